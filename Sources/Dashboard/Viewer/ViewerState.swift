/// What the user chose to see in the run viewer: everything its keys change.
public struct ViewerState: Sendable, Equatable {
    /// The validation chart's figure.
    public enum Metric: String, Sendable {
        case logloss
        case auc = "AUC"
    }

    /// The x range: every example, or the last part of the longest run.
    public enum Zoom: Int, Sendable, CaseIterable {
        case all, lastHalf, lastQuarter, lastTenth

        /// The fraction of the longest run shown (nil: everything).
        public var fraction: Double? {
            switch self {
            case .all: nil
            case .lastHalf: 0.5
            case .lastQuarter: 0.25
            case .lastTenth: 0.1
            }
        }

        public var label: String {
            switch self {
            case .all: "all examples"
            case .lastHalf: "last 50%"
            case .lastQuarter: "last 25%"
            case .lastTenth: "last 10%"
            }
        }

        public var next: Zoom { Zoom(rawValue: (rawValue + 1) % Zoom.allCases.count)! }
    }

    public var metric: Metric = .logloss
    public var zoom: Zoom = .all
    public var showsRawLoss = true
    /// Runs hidden from the charts, by index (0-based).
    public var hiddenRuns: Set<Int> = []
    public var showsHelp = false
    /// The training loss's smoothing weight (TensorBoard's debiased EMA).
    public var smoothing = 0.6
    public var themeName: String
    /// A short note in the footer (a key that does nothing, the new theme), until the next key.
    public var message: String?

    public init(themeName: String = "default") {
        self.themeName = themeName
    }
}
