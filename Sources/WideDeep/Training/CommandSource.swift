/// Who sent a `TrainingCommand`: the events and the metrics log say who changed what.
public enum CommandSource: Sendable, Equatable, CustomStringConvertible {
    /// The dashboard of the training process itself.
    case keyboard
    /// A client attached over the control socket, described by the client ("wdl attach, pid 42").
    case attached(String)
    /// `SessionOptions.scheduledCommands` (tests, scripted runs).
    case schedule

    /// What events and the metrics log's `source` field show: `keyboard`, `schedule`, or
    /// `attached: <client>`.
    public var description: String {
        switch self {
        case .keyboard: "keyboard"
        case .attached(let client): "attached: \(client)"
        case .schedule: "schedule"
        }
    }
}
