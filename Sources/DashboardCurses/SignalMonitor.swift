import Dispatch
import Glibc
import Synchronization

/// Catches SIGINT and SIGTERM for the dashboard without running code in a signal handler.
///
/// Both signals are set to be ignored (before curses starts, so ncurses does not install its own
/// handler that would `_exit` without Swift cleanup), and observed with Dispatch signal sources on
/// a background queue that only count them. The UI thread polls the counts between frames, so
/// nothing depends on the main queue being serviced.
public final class SignalMonitor: Sendable {
    private let interrupts = Atomic<Int>(0)
    private let terminations = Atomic<Int>(0)
    private let sources: SourceBox

    /// Dispatch sources are thread-safe and the saved dispositions are only touched by `init`
    /// and `stop`; the box only hides that neither is marked Sendable.
    private final class SourceBox: @unchecked Sendable {
        let sources: [any DispatchSourceSignal]
        let previous: [(Int32, __sighandler_t?)]
        init(_ sources: [any DispatchSourceSignal], previous: [(Int32, __sighandler_t?)]) {
            self.sources = sources
            self.previous = previous
        }
    }

    public init() {
        let previous = [(SIGINT, signal(SIGINT, SIG_IGN)), (SIGTERM, signal(SIGTERM, SIG_IGN))]
        let queue = DispatchQueue(label: "wdl.dashboard.signals")
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: queue)
        let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: queue)
        sources = SourceBox([interrupt, terminate], previous: previous)
        interrupt.setEventHandler { [weak self] in self?.interrupts.add(1, ordering: .relaxed) }
        terminate.setEventHandler { [weak self] in self?.terminations.add(1, ordering: .relaxed) }
        interrupt.resume()
        terminate.resume()
    }

    /// True (once per signal burst) when SIGINT arrived since the last call.
    public func takeInterrupt() -> Bool { interrupts.exchange(0, ordering: .relaxed) > 0 }

    /// True when SIGTERM arrived since the last call.
    public func takeTermination() -> Bool { terminations.exchange(0, ordering: .relaxed) > 0 }

    /// Stops observing and gives both signals the disposition they had before.
    public func stop() {
        for source in sources.sources { source.cancel() }
        for (number, handler) in sources.previous { signal(number, handler) }
    }
}
