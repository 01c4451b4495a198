import WideDeep

/// What a key decided, for `DashboardApp` to carry out: a command for the run and a line for the
/// footer. The deciding types stay free of the terminal, the control and the clock.
struct KeyReaction: Equatable, Sendable {
    /// A footer line before the app puts a clock time on it.
    enum Notice: Equatable, Sendable {
        /// Shown for `seconds`.
        case message(String, StatusMessage.Severity, seconds: Double = 5)
        /// Shown until the run reports an event of one of `kinds` (at most a minute), then that
        /// event's message instead.
        case awaiting(String, kinds: [RunEvent.Kind])
    }

    var command: TrainingCommand?
    var notice: Notice?

    init(command: TrainingCommand? = nil, notice: Notice? = nil) {
        self.command = command
        self.notice = notice
    }

    static let none = KeyReaction()

    static func message(_ text: String, _ severity: StatusMessage.Severity) -> KeyReaction {
        KeyReaction(notice: .message(text, severity))
    }

    /// Sends `command` and says `text` until the run answers with an event of one of `kinds`.
    static func send(_ command: TrainingCommand, _ text: String, until kinds: [RunEvent.Kind]) -> KeyReaction {
        KeyReaction(command: command, notice: .awaiting(text, kinds: kinds))
    }
}
