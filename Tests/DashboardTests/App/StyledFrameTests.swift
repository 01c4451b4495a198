import XCTest
import WideDeep
@testable import Dashboard
import WDLTestSupport

/// Golden frames of what colour alone cannot show: the loss chart of a run that overfits, the same
/// chart without colour (which style each cell gets), and a whole frame in 8 colours (which palette
/// index each cell's foreground and background get). Each golden has the text, then one grid per
/// style aspect, a character per cell.
final class StyledFrameTests: XCTestCase {
    private let themes = ThemeLibrary.load(directory: TestPaths.themesDirectory)

    /// Training loss falling to ~0.30 while validation logloss climbs to 0.64.
    static func overfitting() -> TrainingSnapshot {
        var s = SnapshotFixtures.running()
        s.trainLoss = (0..<300).map { i in
            LossPoint(step: i * 10, examples: i * 1000, loss: 0.5 * exp(-Double(i) / 60) + 0.3 + 0.01 * sin(Double(i)))
        }
        s.validation = (1...6).map { k in
            ValidationPoint(step: k * 500, epoch: k, examples: k * 50_000,
                            metrics: EvaluationMetrics(count: 1000, logloss: 0.34 + 0.06 * Double(k - 1), auc: 0.9 - 0.01 * Double(k),
                                                       accuracy: 0.8, meanPrediction: 0.3, positiveRate: 0.24))
        }
        s.markers = []
        return s
    }

    private func lossChart(_ snapshot: TrainingSnapshot) -> CellBuffer {
        var buffer = CellBuffer(width: 64, height: 14)
        LossPanel(snapshot: snapshot, smoothing: 0.6).render(in: buffer.bounds, buffer: &buffer)
        return buffer
    }

    /// One character per cell from its resolved style.
    private func grid(_ buffer: CellBuffer, _ theme: ResolvedTheme, _ mark: (TerminalStyle) -> Character) -> [String] {
        (0..<buffer.height).map { y in String((0..<buffer.width).map { x in mark(theme.style(buffer[x, y].style)) }) }
    }

    private func attributes(_ style: TerminalStyle) -> Character {
        if style.attributes.contains(.reverse) { return "r" }
        if style.attributes.contains(.bold) { return "b" }
        if style.attributes.contains(.dim) { return "d" }
        return "."
    }

    private func index(_ color: TerminalColor) -> Character {
        switch color {
        case .default: "-"
        case .indexed(let i): Character(String(i, radix: 16))
        case .rgb: "?"
        }
    }

    func testOverfittingChartShowsTheValidationClimb() throws {
        let buffer = lossChart(Self.overfitting())
        let text = buffer.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("0.6"), "the y axis reaches the validation's 0.64:\n\(text)")
        XCTAssertEqual(text.filter { $0 == "◆" }.count, 1 + 6, "the legend's and each validation point's mark:\n\(text)")
        try GoldenFile.assertMatches(buffer.lines, name: "loss-overfitting-64x14")
    }

    func testMonochromeChartTellsTheSeriesApartByGlyphAndStyle() throws {
        let buffer = lossChart(Self.overfitting())
        let theme = ResolvedTheme(theme: themes.theme(named: "monochrome").theme, tier: .palette256)
        XCTAssertTrue(theme.monochrome)
        let styles = grid(buffer, theme, attributes)
        // Raw dots dim, the EMA line bold, validation marks bold ◆: three looks without colour.
        var seen: [Character: Set<Character>] = [:]
        for y in 2..<buffer.height - 2 {
            for x in 0..<buffer.width {
                let scalar = buffer[x, y].scalar
                let kind: Character = scalar == "◆" ? "v" : (0x2801...0x28FF).contains(scalar.value) ? "c" : " "
                if kind != " " { seen[kind, default: []].insert(Array(styles[y])[x]) }
            }
        }
        XCTAssertEqual(seen["v"], ["b"])
        XCTAssertEqual(seen["c"], ["b", "d"], "curve cells: bold EMA and dim raw dots")
        try GoldenFile.assertMatches(buffer.lines + ["", "styles (b bold, d dim, r reverse):"] + styles,
                                     name: "loss-monochrome-64x14")
    }

    func testEightColourFrameKeepsEveryRoleVisible() throws {
        var buffer = CellBuffer(width: 80, height: 24)
        DashboardView.render(snapshot: SnapshotFixtures.running(), view: ViewState(smoothing: 0.6, themeName: "default"),
                             into: &buffer)
        let theme = ResolvedTheme(theme: themes.theme(named: "default").theme, tier: .palette8)
        let foreground = grid(buffer, theme) { index($0.foreground) }
        let background = grid(buffer, theme) { index($0.background) }
        // Every drawn character (borders included) differs from the colour behind it.
        for y in 0..<buffer.height {
            for x in 0..<buffer.width where buffer[x, y].scalar != " " {
                XCTAssertNotEqual(Array(foreground[y])[x], Array(background[y])[x],
                                  "cell (\(x), \(y)) '\(buffer[x, y].scalar)' is drawn in its background colour")
            }
        }
        try GoldenFile.assertMatches(buffer.lines + ["", "foreground palette index:"] + foreground
                                     + ["", "background palette index:"] + background, name: "running-8colour-80x24")
    }

    /// The loss chart's three series keep three colours in 8 colours (the grey raw loss once
    /// became cyan, the validation's colour).
    func testEightColourSeriesStayApart() {
        let theme = ResolvedTheme(theme: themes.theme(named: "default").theme, tier: .palette8)
        let colours = [ColorRole.trainRaw, .trainSmoothed, .validation].map { theme.color(.role($0)) }
        XCTAssertEqual(Set(colours).count, 3, "\(colours)")
        XCTAssertEqual(theme.color(.role(.trainRaw)), .indexed(7), "grey stays grey: white on black")
        // A dark grey turned white is drawn dim; the light grey text is not.
        XCTAssertEqual(theme.style(.fg(.trainRaw)).attributes, .dim)
        XCTAssertEqual(theme.style(.fg(.border)).attributes, .dim)
        XCTAssertEqual(theme.style(.fg(.text)).attributes, [])
        let full = ResolvedTheme(theme: themes.theme(named: "default").theme, tier: .palette256)
        XCTAssertEqual(full.style(.fg(.trainRaw)).attributes, [], "with 256 colours the grey itself shows")
    }

    /// The same for every bundled theme, role by role.
    func testNoRoleMeltsIntoTheBackgroundWithFewColours() {
        for theme in themes.themes where !theme.monochrome {
            let resolved = ResolvedTheme(theme: theme, tier: .palette8)
            let background = resolved.color(.role(.background))
            guard background != .default else { continue }  // the terminal's own: unknown here
            for role in ColorRole.allCases where role != .background {
                XCTAssertNotEqual(resolved.color(.role(role)), background, "\(theme.name): \(role.key) vanishes in 8 colours")
            }
        }
    }
}
