import WideDeep

/// The dashboard on a run in another process (`DashboardOptions.attached`): detaching, the
/// stop-or-detach question, read-only refusals, and what the connection says. The control may
/// be an `AttachedRun` (the socket client); the dashboard knows nothing of sockets.
extension DashboardApp {
    private var attachedRun: (any AttachedRun)? { control as? any AttachedRun }

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

    /// q: asks whether to stop the run or only detach; detaches at once when only that is
    /// possible (read-only, or the run is gone or over).
    func requestDetach() {
        let ended = [.finished, .failed].contains(lastSnapshot.state)
        if options.readOnly || view.connectionNote != nil || ended {
            detach()
        } else {
            view.mode = .confirmDetach
        }
    }

    /// s stops the run (it saves its final checkpoint as `q` in its own dashboard would) and
    /// closes; d detaches; anything else cancels.
    func answerDetach(_ key: Key) {
        view.mode = .normal
        switch key {
        case .character("s"), .character("S"):
            control.send(.stop, from: .keyboard)
            attachedRun?.detach()
            outcome = DashboardOutcome(reason: .userQuit, finalSnapshot: control.snapshot)
        case .character("d"), .character("D"):
            detach()
        default:
            show("cancelled: still attached", .info)
        }
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
