import WideDeep

/// A row of the hyperparameter panel: a live hyperparameter of the run, or the dashboard's own
/// loss smoothing factor (a display setting, never sent to the session).
public enum EditableRow: Hashable, Sendable {
    case hyperparameter(Hyperparameter)
    case smoothing

    public var label: String {
        switch self {
        case .hyperparameter(let parameter): parameter.label
        case .smoothing: "smoothing"
        }
    }

    public var validRange: ClosedRange<Double> {
        switch self {
        case .hyperparameter(let parameter): parameter.validRange
        case .smoothing: Smoothing.range
        }
    }

    /// The run's hyperparameters in the contract's order, then smoothing.
    public static func rows(for snapshot: TrainingSnapshot) -> [EditableRow] {
        Hyperparameter.allCases.filter { snapshot.value(of: $0) != nil }.map(EditableRow.hyperparameter)
            + [.smoothing]
    }
}

/// What the keyboard is doing: normal keys, the help overlay, typing a value, or answering the
/// quit question.
public enum InteractionMode: Equatable, Sendable {
    case normal
    case help
    case editing(EditableRow, text: String)
    /// "Save and quit / quit without saving / cancel" when a final checkpoint can be written;
    /// "quit and lose the unsaved progress? y/N" when it cannot.
    case confirmQuit(canSave: Bool)
    /// Attached: "s stop the run · d detach (training goes on) · Esc cancel".
    case confirmDetach
}

/// A line shown in the footer until it expires or the next key.
public struct StatusMessage: Equatable, Sendable {
    public enum Severity: Sendable { case info, warning, error }
    public var text: String
    public var severity: Severity
    /// Clock time after which the message is dropped.
    public var expires: Double

    public init(text: String, severity: Severity, expires: Double) {
        self.text = text
        self.severity = severity
        self.expires = expires
    }
}

/// A command whose result the footer waits for: the first later event of one of `kinds` replaces
/// the "saving…" kind of message with what happened (a failure included).
public struct AwaitedOutcome: Equatable, Sendable {
    public var kinds: [RunEvent.Kind]
    /// The run's clock (`TrainingSnapshot.elapsedSeconds`) when the command was sent: only later
    /// events answer it.
    public var since: Double
}

/// A value sent with `.set` that the snapshot does not show yet.
public struct PendingValue: Equatable, Sendable {
    public var value: Double
    public var sentAt: Double
}

/// Everything the screen shows besides the snapshot: selection, smoothing, the typing or quit
/// state, the footer message, the theme's name and the dashboard's own events.
public struct ViewState: Sendable {
    public var selectedRow = 0
    /// The look has no colour or only 8: series must differ by glyph, not by shade.
    public var fewColors = false
    public var smoothing: Double
    public var pending: [Hyperparameter: PendingValue] = [:]
    public var mode: InteractionMode = .normal
    public var message: StatusMessage?
    public var awaiting: AwaitedOutcome?
    /// Lines the events panel is scrolled back from its newest line.
    public var eventsScroll = 0
    public var themeName: String
    /// Events from the dashboard itself (theme changes, theme file problems).
    public var localEvents: [RunEvent] = []
    /// On a run in another process (`wdl attach`): the footer says ATTACHED and how to detach.
    public var attached = false
    /// Attached with `--read-only`: the footer says READ-ONLY.
    public var readOnly = false
    /// Attached and the connection is over: "run ended" or "connection lost", on the status bar.
    public var connectionNote: String?

    public init(smoothing: Double, themeName: String) {
        self.smoothing = smoothing
        self.themeName = themeName
    }
}
