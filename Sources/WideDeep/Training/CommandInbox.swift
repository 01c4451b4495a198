import Dispatch
import Synchronization

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
