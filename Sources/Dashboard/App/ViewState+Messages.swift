import WideDeep

/// The footer's message (how long it stays, and which run event answers a command it waits
/// for) and the dashboard's own events.
extension ViewState {
    /// Most of the dashboard's own events kept; older ones are dropped.
    static let maxLocalEvents = 50

    /// Shows `text` until clock time `now + seconds`.
    mutating func show(_ text: String, _ severity: StatusMessage.Severity, seconds: Double = 5, now: Double) {
        message = StatusMessage(text: text, severity: severity, expires: now + seconds)
    }

    /// Shows a key's notice. An awaited one stays up to a minute, until an event of the run after
    /// `runSeconds` (the run's own clock) answers it.
    mutating func show(_ notice: KeyReaction.Notice, now: Double, runSeconds: Double) {
        switch notice {
        case .message(let text, let severity, let seconds):
            show(text, severity, seconds: seconds, now: now)
        case .awaiting(let text, let kinds):
            show(text, .info, seconds: 60, now: now)
            awaiting = AwaitedOutcome(kinds: kinds, since: runSeconds)
        }
    }

    /// Replaces an awaited message by the run's answer (a failure stays longer) and drops an
    /// expired message.
    mutating func expireMessages(answeredBy snapshot: TrainingSnapshot, now: Double) {
        if let awaited = awaiting,
           let answer = snapshot.events.first(where: { $0.seconds > awaited.since && awaited.kinds.contains($0.kind) }) {
            let failed = answer.kind == .error || answer.kind == .divergence
            show(answer.message, failed ? .error : .info, seconds: failed ? 10 : 5, now: now)
            awaiting = nil
        }
        if let message, now >= message.expires {
            self.message = nil
            awaiting = nil
        }
    }

    /// Adds an event of the dashboard's own, stamped with the run's step and clock.
    mutating func addLocalEvent(_ text: String, kind: RunEvent.Kind, at snapshot: TrainingSnapshot) {
        localEvents.append(RunEvent(step: snapshot.step, seconds: snapshot.elapsedSeconds, kind: kind, message: text))
        if localEvents.count > Self.maxLocalEvents { localEvents.removeFirst(localEvents.count - Self.maxLocalEvents) }
    }
}
