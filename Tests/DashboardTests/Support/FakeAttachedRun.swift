import Synchronization
import WideDeep
import WdlControl

/// A run seen from another process, as the dashboard sees it: a snapshot, a connection state
/// and refusals the test sets; the commands sent and whether it was detached.
final class FakeAttachedRun: AttachedRun {
    private let state: Mutex<State>
    let isReadOnly: Bool

    private struct State {
        var snapshot: TrainingSnapshot
        var connection = ConnectionState.connected
        var refusals: [String] = []
        var commands: [TrainingCommand] = []
        var detached = false
    }

    init(snapshot: TrainingSnapshot, readOnly: Bool = false) {
        state = Mutex(State(snapshot: snapshot))
        isReadOnly = readOnly
    }

    func send(_ command: TrainingCommand) { state.withLock { $0.commands.append(command) } }
    var snapshot: TrainingSnapshot { state.withLock { $0.snapshot } }
    var connection: ConnectionState {
        get { state.withLock { $0.connection } }
        set { state.withLock { $0.connection = newValue } }
    }
    func takeRefusals() -> [String] {
        state.withLock { state in
            defer { state.refusals = [] }
            return state.refusals
        }
    }
    func detach() { state.withLock { $0.detached = true } }

    func refuse(_ reason: String) { state.withLock { $0.refusals.append(reason) } }
    var commands: [TrainingCommand] { state.withLock { $0.commands } }
    var detached: Bool { state.withLock { $0.detached } }
}
