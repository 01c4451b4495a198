import XCTest
import WideDeep
@testable import Dashboard
import WDLTestSupport

/// Labels and looks that misled (issue 21, item 20): what the sparsity counts, what a folded
/// evaluation line and the best row stand for, the light theme's status bar and footer, the loss
/// series without colour, and `wdl view` with several similar runs.
final class HonestLabelsTests: XCTestCase {
    private let themes = ThemeLibrary.load(directory: TestPaths.themesDirectory)

    private func app(_ snapshot: TrainingSnapshot, theme: String = "default", tier: ColorTier = .trueColor,
                     noColor: Bool = false, columns: Int = 120, rows: Int = 40) -> (DashboardApp, InMemoryTerminal) {
        let terminal = InMemoryTerminal(columns: columns, rows: rows, colorTier: tier)
        var options = DashboardOptions(themeName: theme)
        options.noColor = noColor
        let app = DashboardApp(control: FakeTrainingControl(snapshot: snapshot), terminal: terminal,
                               themes: themes, options: options, clock: { 0 })
        app.render()
        return (app, terminal)
    }

    func testSparsitySaysItCountsTouchedCoordinates() {
        for (columns, rows) in [(80, 24), (120, 40)] {
            let (_, terminal) = app(SnapshotFixtures.running(), columns: columns, rows: rows)
            // 12,345 non-zero of 45,678 touched: 1 - 12345/45678 = 72.97% zeros among the touched.
            XCTAssertTrue(terminal.text.contains("sparsity 73.0% of touched"), terminal.text)
        }
    }

    /// The light theme paints every cell of the status rows and the footer (no cell left to the
    /// terminal's default), in each colour tier and footer mode.
    func testLightThemePaintsTheStatusBarAndFooter() throws {
        let light = try XCTUnwrap(themes.themes.first { $0.name == "light" })
        for tier: ColorTier in [.trueColor, .palette256, .palette8] {
            let resolved = ResolvedTheme(theme: light, tier: tier)
            let background = resolved.color(.role(.background))
            let allowed = Set(ColorRole.allCases.map { resolved.color(.role($0)) })
            XCTAssertNotEqual(background, .default)
            for keys in [[], [Key.character("q")], [Key.enter], [Key.character("s")]] {
                var snapshot = SnapshotFixtures.running()
                snapshot.events.append(RunEvent(step: 12_345, seconds: 64, kind: .checkpoint, message: "checkpoint saved to ckpt/step-12345.safetensors"))
                let (app, terminal) = app(snapshot, theme: "light", tier: tier)
                for key in keys { app.handle(key: key) }
                app.render()
                for y in [0, 1, 39] {
                    for x in 0..<120 {
                        let style = terminal.style(x: x, y: y)
                        XCTAssertNotEqual(style.background, .default, "\(tier) \(keys): cell (\(x), \(y)) unpainted")
                        XCTAssertTrue(allowed.contains(style.background), "\(tier) \(keys): cell (\(x), \(y)) has a colour not of the theme")
                    }
                }
                // The progress row and the plain footer are on the theme's background throughout.
                if keys.isEmpty {
                    for y in [1, 39] {
                        for x in 0..<120 {
                            XCTAssertEqual(terminal.style(x: x, y: y).background, background, "\(tier): cell (\(x), \(y))")
                        }
                    }
                }
            }
        }
    }

    /// Without colour (NO_COLOR) and with 8 colours, raw loss is `·` in cells of its own and the
    /// EMA braille: two glyphs, and in monochrome two attributes (dim, bold).
    func testRawLossAndEMADifferByGlyphWithoutColour() throws {
        var snapshot = SnapshotFixtures.running()
        snapshot.markers = []
        for (tier, noColor) in [(ColorTier.trueColor, true), (.palette8, false), (.none, false)] {
            let (_, terminal) = app(snapshot, tier: tier, noColor: noColor)
            let layout = try XCTUnwrap(DashboardLayout.compute(for: terminal.size))
            let plot = layout.loss.inset(by: 1).inset(top: 1)
            var raw: Set<TerminalStyle> = [], curve: Set<TerminalStyle> = []
            for y in plot.y..<plot.maxY - 1 {
                let line = Array(terminal.lines[y].unicodeScalars)
                for x in plot.x + 6..<plot.maxX {
                    if line[x] == "·" { raw.insert(terminal.style(x: x, y: y)) }
                    if (0x2801...0x28FF).contains(line[x].value) { curve.insert(terminal.style(x: x, y: y)) }
                }
            }
            XCTAssertFalse(raw.isEmpty, "\(tier): no raw loss mark")
            XCTAssertFalse(curve.isEmpty, "\(tier): no EMA line")
            XCTAssertTrue(raw.isDisjoint(with: curve), "\(tier): raw and EMA share a style")
            XCTAssertTrue(terminal.text.contains("· raw"), "the legend shows the raw glyph")
            if tier != .palette8 {
                XCTAssertTrue(raw.allSatisfy { $0.attributes.contains(.dim) }, "\(tier): raw \(raw)")
                XCTAssertTrue(curve.allSatisfy { $0.attributes.contains(.bold) && !$0.attributes.contains(.dim) }, "\(tier): EMA \(curve)")
            }
        }
        // With colour to spare the raw loss stays braille dots in its own grey.
        let (_, full) = app(snapshot, tier: .palette256)
        XCTAssertTrue(full.text.contains("⠂ raw"))
    }

    /// Four runs evaluated at the same steps with nearly the same figures: each run's glyph shows
    /// on both charts (their marks take turns), and save lines are thinned to a dot per row.
    func testViewerShowsEachOfFourSimilarRuns() {
        let runs = (0..<4).map { index -> ViewedRun in
            var run = RunFixtures.finished()
            run.name = "lr-0.0\(index + 1)"
            run.log.evaluations = run.log.evaluations.map { evaluation in
                var changed = evaluation
                changed.validLogloss = evaluation.validLogloss.map { $0 + Double(index) * 0.0001 }
                changed.trainLogloss = evaluation.trainLogloss.map { $0 + Double(index) * 0.0001 }
                return changed
            }
            return run
        }
        let lines = RunFixtures.frame(runs, columns: 120, rows: 40)
        let tableTop = lines.firstIndex { $0.hasPrefix("╭─ run") } ?? lines.count
        let charts = Array(lines[1..<tableTop])
        let half = 60
        for index in 0..<4 {
            let glyph = Character(ViewedRun.glyph(of: index))
            XCTAssertTrue(charts.contains { $0.prefix(half).contains(glyph) }, "run \(index + 1) (\(glyph)) hidden on the validation chart\n\(charts.joined(separator: "\n"))")
            XCTAssertTrue(charts.contains { $0.dropFirst(half).contains(glyph) }, "run \(index + 1) (\(glyph)) hidden on the training chart")
        }
        // The save line at 100k examples: one lit dot per cell row (⠁), not two (⠅).
        XCTAssertFalse(charts.joined().contains("⠅"), charts.joined(separator: "\n"))
    }
}
