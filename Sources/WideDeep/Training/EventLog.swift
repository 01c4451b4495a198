/// The run's record of what happened: a bounded list of recent events for the snapshot, every
/// event and evaluation written to the metrics log (when there is one) and passed to the
/// session's listener. Lives on the training queue.
struct EventLog {
    /// Events the snapshot keeps.
    static let capacity = 200

    private(set) var events: [RunEvent] = []
    var metricsLog: MetricsLog?
    var listener: (@Sendable (RunRecord) -> Void)?

    /// Adds an event; `logged: false` keeps it out of the metrics log (evaluations, whose figures
    /// have their own record).
    mutating func add(_ kind: RunEvent.Kind, _ message: String, at context: RunRecord.Context,
                      detail: RunEvent.Detail? = nil, source: CommandSource? = nil, logged: Bool = true) {
        let event = RunEvent(step: context.step, seconds: context.seconds, kind: kind, message: message)
        events.append(event)
        if events.count > Self.capacity {
            // Evaluations give way first: a fast run makes several a second and their numbers
            // stay in the validation curve, while a change, a save or a rollback should stay listed.
            if let oldest = events.firstIndex(where: { $0.kind == .evaluation }) {
                events.remove(at: oldest)
            } else {
                events.removeFirst()
            }
        }
        if logged { write(RunRecord.EventLine(event: event, context: context, detail: detail, source: source), at: context) }
        listener?(.event(event))
    }

    /// Records an evaluation: written to the metrics log unless `deferred` (the final record waits
    /// for the final checkpoint's event, so that it is the log's last line: `write(_:at:)` then).
    mutating func add(_ evaluation: RunRecord.Evaluation, deferred: Bool = false) {
        if !deferred { write(evaluation, at: evaluation.context) }
        listener?(.evaluation(record: evaluation))
    }

    /// Writes a record to the metrics log; a failed write becomes one error event and the log is
    /// closed, so training goes on and every line already in the file stays whole.
    mutating func write(_ record: some Encodable, at context: RunRecord.Context) {
        guard let log = metricsLog else { return }
        do {
            try log.write(record)
        } catch {
            metricsLog = nil
            add(.error, "metrics log \(log.path) stopped: \(error)", at: context, logged: false)
        }
    }
}

extension RunEvent {
    /// What the metrics log records of an event beyond its message.
    enum Detail {
        case hyperparameter(Hyperparameter, from: Double, to: Double)
        case checkpoint(path: String, step: Int)
    }
}
