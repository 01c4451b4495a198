import Synchronization
import WideDeep

/// A training session stand-in: returns the snapshot a test sets and records every command.
final class FakeTrainingControl: TrainingControl {
    private let state: Mutex<(snapshot: TrainingSnapshot, commands: [TrainingCommand])>

    init(snapshot: TrainingSnapshot) {
        state = Mutex((snapshot, []))
    }

    func send(_ command: TrainingCommand) {
        state.withLock { $0.commands.append(command) }
    }

    var snapshot: TrainingSnapshot {
        get { state.withLock { $0.snapshot } }
        set { state.withLock { $0.snapshot = newValue } }
    }

    var commands: [TrainingCommand] { state.withLock { $0.commands } }

    func clearCommands() { state.withLock { $0.commands.removeAll() } }
}
