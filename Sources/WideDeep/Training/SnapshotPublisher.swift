import Synchronization

/// Hands the session's state to its clients as immutable snapshots: the training queue edits
/// `draft`, and `publish` copies it behind a lock at most every `interval` seconds unless forced,
/// so clients read a consistent picture whenever they like at the cost of a copy a few times a
/// second.
final class SnapshotPublisher: @unchecked Sendable {
    /// The next snapshot, edited on the training queue only (checked at `isDue`/`publish`, not on
    /// every edit of the draft, which sits on the step's path).
    var draft: TrainingSnapshot
    private let published: Mutex<TrainingSnapshot>
    /// Wall seconds between publications while training.
    let interval: Double
    private var lastPublished = -Double.infinity
    /// The training queue (nil in tests that drive a publisher from their own thread).
    private let owner: QueueConfinement?

    init(_ initial: TrainingSnapshot, interval: Double, owner: QueueConfinement? = nil) {
        self.owner = owner
        draft = initial
        published = Mutex(initial)
        self.interval = interval
    }

    /// The latest published snapshot (any thread).
    var latest: TrainingSnapshot { published.withLock { $0 } }

    /// Whether a publication is due at `now` (session seconds).
    func isDue(at now: Double) -> Bool {
        owner?.check()
        return now - lastPublished >= interval
    }

    /// Publishes `draft` as it is, shown as SAVING while a checkpoint write is in flight.
    func publish(at now: Double, saving: Bool) {
        owner?.check()
        lastPublished = now
        var copy = draft
        if saving && copy.state == .running { copy.state = .saving }
        published.withLock { $0 = copy }
    }

    /// Loading progress, published straight from the loading threads (nothing else changes then).
    func publishLoading(_ progress: LoadingProgress) {
        published.withLock { $0.loading = progress }
    }
}
