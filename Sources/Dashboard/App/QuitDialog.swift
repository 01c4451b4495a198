import WideDeep

/// The questions that end the dashboard: "save and quit?" on a run of this process, and
/// "stop the run or detach?" when attached to one in another process. It opens and closes the
/// question in the view state it is given and says how to end, if at all.
struct QuitDialog {
    /// How a quit key or its answer ends the dashboard, if it does.
    enum Decision: Equatable, Sendable {
        /// Nothing ends: the question opened (`view.mode`) or was cancelled, which `message` says.
        case stay(message: String?)
        /// Stops the run and closes; the session writes `final` only when `saving`.
        case quit(saving: Bool)
        /// A second Ctrl-C: stops the run without saving and closes, as an interrupted program.
        case interrupted
        /// Attached: stops the run (it saves as its own `q` would) and closes.
        case stopRunAndClose
        /// Attached: closes; the run goes on.
        case detach
    }

    let snapshot: TrainingSnapshot
    /// On a run in another process (`DashboardOptions.attached`).
    let attached: Bool
    let readOnly: Bool

    private var runHasEnded: Bool { [.finished, .failed].contains(snapshot.state) }

    /// `q`: quits or detaches at once when nothing would be lost or nothing else is possible;
    /// otherwise asks. A run that has ended without a checkpoint folder quits at once too:
    /// there is nothing left to decide.
    func request(in view: inout ViewState) -> Decision {
        if attached {
            // Read-only, or the run gone or over: detaching is all there is.
            if readOnly || view.connectionNote != nil || runHasEnded { return .detach }
            view.mode = .confirmDetach
            return .stay(message: nil)
        }
        let canSave = snapshot.checkpointDirectory != nil
            && [.running, .paused, .evaluating, .saving].contains(snapshot.state)
        if !snapshot.hasUnsavedProgress || (runHasEnded && !canSave) { return .quit(saving: true) }
        view.mode = .confirmQuit(canSave: canSave)
        return .stay(message: nil)
    }

    /// Ctrl-C. Attached, it only detaches: it never stops a run from another terminal. Otherwise
    /// it is `q` from any mode (an open value line or help closes), and a second Ctrl-C while the
    /// question is up quits without saving, as terminal programs do.
    func interrupt(in view: inout ViewState) -> Decision {
        if attached { return .detach }
        if case .confirmQuit = view.mode { return .interrupted }
        view.mode = .normal
        return request(in: &view)
    }

    /// A key while a question is up (outside one it changes nothing); anything but an answer cancels. With a checkpoint folder
    /// s saves and quits and d quits without saving; without one y quits. Attached, s stops the
    /// run and d detaches.
    func answer(_ key: Key, in view: inout ViewState) -> Decision {
        let question = view.mode
        view.mode = .normal
        let answer = if case .character(let character) = key { character.lowercased() } else { "" }
        switch question {
        case .confirmQuit(let canSave):
            switch (answer, canSave) {
            case ("s", true): return .quit(saving: true)
            case ("d", true), ("y", false): return .quit(saving: false)
            default: return .stay(message: "quit cancelled")
            }
        case .confirmDetach:
            switch answer {
            case "s": return .stopRunAndClose
            case "d": return .detach
            default: return .stay(message: "cancelled: still attached")
            }
        case .normal, .help, .editing:
            view.mode = question
            return .stay(message: nil)
        }
    }
}
