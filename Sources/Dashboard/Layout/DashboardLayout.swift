/// Where each panel goes for a terminal size. Below the minimum size there is no layout (the
/// dashboard shows the "enlarge the terminal" message instead).
///
/// At 80×24 every panel fits with the minimum useful content; extra rows go to the charts and
/// the wide/deep panels (more groups, fields and chart resolution), extra columns widen charts.
public struct DashboardLayout: Equatable, Sendable {
    public static let minimumSize = TerminalSize(columns: 80, rows: 24)

    public var size: TerminalSize
    /// Two rows: run, state and counters; progress, rate and time.
    public var status: Rect
    public var loss: Rect
    public var validation: Rect
    public var wide: Rect
    public var deep: Rect
    public var hyperparameters: Rect
    public var events: Rect
    /// The bottom row: main keys, messages, the value being typed, the quit question.
    public var footer: Rect
    /// Everything between status bar and footer.
    public var body: Rect
    /// Hyperparameters are listed in two columns when rows are scarce.
    public var hyperparameterColumns: Int

    public static func isLargeEnough(_ size: TerminalSize) -> Bool {
        size.columns >= minimumSize.columns && size.rows >= minimumSize.rows
    }

    /// The layout for `size`, or nil when the terminal is smaller than 80×24.
    public static func compute(for size: TerminalSize) -> DashboardLayout? {
        guard isLargeEnough(size) else { return nil }
        let width = size.columns, height = size.rows
        let status = Rect(x: 0, y: 0, width: width, height: 2)
        let footer = Rect(x: 0, y: height - 1, width: width, height: 1)
        let body = Rect(x: 0, y: 2, width: width, height: height - 3)

        // Bottom band: hyperparameters (6 rows: five live values and smoothing) and events.
        let tall = height >= 36
        let bottomHeight = tall ? min(14, 8 + max(0, height - 40) / 5) : 5
        let remaining = body.height - bottomHeight
        let topHeight = Int((Double(remaining) * 0.55).rounded())
        let (top, rest) = body.splitRows(topHeight: topHeight)
        let (middle, bottom) = rest.splitRows(topHeight: remaining - topHeight)

        let validationWidth = max(28, Int((Double(width) * 0.34).rounded()))
        let (loss, validation) = top.splitColumns(leftWidth: width - validationWidth)
        let (wide, deep) = middle.splitColumns(leftWidth: width / 2)
        let hyperWidth = tall ? min(48, max(40, width / 4)) : max(40, width * 2 / 5)
        let (hyper, events) = bottom.splitColumns(leftWidth: hyperWidth)
        return DashboardLayout(size: size, status: status, loss: loss, validation: validation,
                               wide: wide, deep: deep, hyperparameters: hyper, events: events,
                               footer: footer, body: body, hyperparameterColumns: tall ? 1 : 2)
    }
}
