/// What a colour is for. Every role is one key in a theme file (`key` below); the raw value
/// indexes the precomputed colour tables.
public enum ColorRole: Int, CaseIterable, Sendable {
    case background
    case text
    case dimText
    case border
    case title
    case highlight
    case trainRaw
    case trainSmoothed
    case validation
    case auc
    case marker
    case gradientStart
    case gradientMid
    case gradientEnd
    case good
    case warning
    case bad

    /// The key naming this role in a `.theme` file.
    public var key: String {
        switch self {
        case .background: "background"
        case .text: "text"
        case .dimText: "text_dim"
        case .border: "border"
        case .title: "title"
        case .highlight: "highlight"
        case .trainRaw: "series_train_raw"
        case .trainSmoothed: "series_train_smoothed"
        case .validation: "series_validation"
        case .auc: "series_auc"
        case .marker: "series_marker"
        case .gradientStart: "gradient_start"
        case .gradientMid: "gradient_mid"
        case .gradientEnd: "gradient_end"
        case .good: "good"
        case .warning: "warning"
        case .bad: "bad"
        }
    }

    public init?(key: String) {
        guard let role = ColorRole.allCases.first(where: { $0.key == key }) else { return nil }
        self = role
    }

    /// How the role looks when there is no colour: the monochrome theme, `NO_COLOR`, or a
    /// terminal without colours.
    var monochromeAttributes: TextAttributes {
        switch self {
        case .dimText, .trainRaw, .marker, .border: .dim
        case .title, .trainSmoothed, .validation, .auc, .good, .warning: .bold
        case .bad: [.bold, .reverse]
        case .background, .text, .highlight, .gradientStart, .gradientMid, .gradientEnd: []
        }
    }
}
