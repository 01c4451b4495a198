/// The run viewer's key table: the only list of its keys. Key handling, the help overlay and the
/// footer are derived from it, and a test holds the docs' table to it (as `KeyBinding` does for
/// the training dashboard).
struct ViewerKeyBinding: Sendable {
    let keys: [Key]
    let action: @Sendable (Key) -> ViewerAction
    let helpKeys: String
    let helpAction: String
    /// Keys and action as the footer names them (nil: help only).
    let footer: (keys: String, action: String)?

    init(_ keys: [Key], _ action: ViewerAction, help: (String, String), footer: (String, String)?) {
        self.init(keys, { _ in action }, help: help, footer: footer)
    }

    init(_ keys: [Key], _ action: @escaping @Sendable (Key) -> ViewerAction, help: (String, String),
         footer: (String, String)?) {
        self.keys = keys
        self.action = action
        helpKeys = help.0
        helpAction = help.1
        self.footer = footer
    }

    /// The action bound to `key`, if any.
    static func action(for key: Key) -> ViewerAction? {
        all.first { $0.keys.contains(key) }.map { $0.action(key) }
    }

    /// Digits 1–9 toggle the run of that number.
    private static let digits: [Key] = (1...9).map { .character(Character(String($0))) }

    static let all: [ViewerKeyBinding] = [
        ViewerKeyBinding([.character("z")], .cycleZoom,
                         help: ("z", "zoom: all examples, last 50%, 25%, 10% of the longest run"),
                         footer: ("z", "zoom")),
        ViewerKeyBinding([.character("m")], .switchMetric,
                         help: ("m", "validation chart: logloss / AUC"),
                         footer: ("m", "metric")),
        ViewerKeyBinding([.character("r")], .toggleRawLoss,
                         help: ("r", "hide / show the raw training loss"),
                         footer: ("r", "raw")),
        ViewerKeyBinding(digits, { key in
            if case .character(let c) = key, let n = c.wholeNumberValue { return .toggleRun(n) }
            return .toggleRun(0)
        }, help: ("1 … 9", "hide / show run N"), footer: ("1-9", "runs")),
        ViewerKeyBinding([.character("t")], .nextTheme, help: ("t", "next theme"), footer: ("t", "theme")),
        ViewerKeyBinding([.character("?")], .showHelp, help: ("?", "this help"), footer: ("?", "help")),
        ViewerKeyBinding([.character("q"), .character("Q")], .quit, help: ("q, Ctrl-C", "quit"),
                         footer: ("q", "quit")),
    ]
}
