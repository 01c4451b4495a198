import WdlControl
import WideDeep

/// The dashboard on a run in another process (`DashboardOptions.attached`): detaching, read-only
/// refusals, and what the connection says (`QuitDialog` asks stop-or-detach). The control may be
/// an `AttachedRun` (the socket client); the dashboard knows nothing of sockets.
extension DashboardApp {
    var attachedRun: (any AttachedRun)? { control as? any AttachedRun }

    /// Why a key that sends a command does nothing here, if it does not.
    var commandRefusal: String? {
        guard options.attached else { return nil }
        if options.readOnly {
            return "READ-ONLY: attached to watch; this key would change the run (attach without --read-only to steer it)"
        }
        if let note = view.connectionNote { return "\(note): nothing can be sent" }
        return nil
    }

    /// Closes the dashboard; the run goes on.
    func detach() {
        attachedRun?.detach()
        outcome = DashboardOutcome(reason: .detached, finalSnapshot: control.snapshot)
    }

    /// Reads the connection's state and the run's refusals into the view.
    func followConnection() {
        guard let run = attachedRun else { return }
        switch run.connection {
        case .connected, .detached: view.connectionNote = nil
        case .ended: view.connectionNote = "run ended"
        case .lost(let reason): view.connectionNote = reason == "connection lost" ? reason : "connection lost: \(reason)"
        }
        if let refusal = run.takeRefusals().last { show("refused by the run: \(refusal)", .error, seconds: 8) }
    }
}
