import Dispatch
import Synchronization

// A command's way to the run, read in one place: what is asked (`TrainingCommand`), by whom
// (`CommandSource`), through which door (`TrainingControl`), and the queue it waits in until the
// training queue takes it between minibatches (`CommandInbox`).

/// What a client (the dashboard, the headless runner, a test) asks a running training session to
/// do. Commands are queued and applied between minibatches, in the order sent, so a change asked
/// for while step N runs takes effect from step N + 1 on.
public enum TrainingCommand: Sendable, Equatable {
    case pause
    case resume
    /// Sets a live hyperparameter. Values outside `Hyperparameter.validRange` are refused with an
    /// event explaining why; nothing changes.
    case set(Hyperparameter, Double)
    /// Runs a validation pass now (between minibatches).
    case evaluateNow
    /// Saves a checkpoint of the current state (needs a checkpoint directory).
    case saveCheckpoint
    /// After a divergence: restores the last good in-memory state and stays paused.
    case rollBack
    /// Ends the run after the current minibatch (saving `final` when there is a checkpoint folder).
    case stop
    /// Ends the run after the current minibatch without the final checkpoint: the dashboard's
    /// "quit without saving".
    case stopWithoutSaving
}

/// Anything that runs training and can be steered: the real `TrainingSession`, or a fake in tests.
public protocol TrainingControl: AnyObject, Sendable {
    /// Queues a command; it is applied between minibatches.
    func send(_ command: TrainingCommand)
    /// Queues a command saying who sent it, so that events and the metrics log can name the
    /// source. The default ignores the source (`send(_:)`); a session that records it implements
    /// this requirement itself.
    func send(_ command: TrainingCommand, from source: CommandSource)
    /// The latest published state. Cheap: returns an immutable value.
    var snapshot: TrainingSnapshot { get }
}

extension TrainingControl {
    public func send(_ command: TrainingCommand, from source: CommandSource) { send(command) }
}

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

/// Commands on their way to the training queue: clients `send` from any thread; the training
/// queue takes them between minibatches, scheduled ones (`SessionOptions.scheduledCommands`)
/// first, and sleeps on `wait` while paused until a command (or a finished save) wakes it.
final class CommandInbox: Sendable {
    /// A command and who sent it (nil: not said).
    typealias Entry = (command: TrainingCommand, source: CommandSource?)

    private let pending = Mutex<[Entry]>([])
    private let wakeUp = DispatchSemaphore(value: 0)
    private let scheduled: [(step: Int, command: TrainingCommand)]
    /// The last step whose scheduled commands were handed out: the pause loop asks repeatedly at
    /// one step, and a rollback brings the run back to steps whose commands have happened.
    private let scheduledTakenAt = Mutex(-1)

    init(scheduled: [(step: Int, command: TrainingCommand)]) { self.scheduled = scheduled }

    func send(_ command: TrainingCommand, from source: CommandSource?) {
        pending.withLock { $0.append((command, source)) }
        wake()
    }

    func wake() { wakeUp.signal() }

    /// Sleeps until woken or `timeout` seconds have passed.
    func wait(timeout: Double) { _ = wakeUp.wait(timeout: .now() + timeout) }

    /// The commands to apply before minibatch `step`: its scheduled ones (once, the first time the
    /// run reaches the step), then those sent, in order.
    func take(beforeStep step: Int) -> [Entry] {
        let due = scheduledTakenAt.withLock { taken -> [Entry] in
            guard step > taken else { return [] }
            taken = step
            return scheduled.filter { $0.step == step }.map { ($0.command, .schedule) }
        }
        return due + pending.withLock { queue in
            defer { queue.removeAll() }
            return queue
        }
    }
}
