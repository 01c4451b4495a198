import Dispatch
import Glibc
import Synchronization

/// Catches SIGINT and SIGTERM (and SIGHUP, a closed terminal or killed tmux pane, taken as
/// SIGTERM: the terminal is restored and the run stops gracefully) for the dashboard without
/// running code in a signal handler.
///
/// The signals are set to be ignored (before curses starts, so ncurses does not install its own
/// handler that would `_exit` without Swift cleanup), and observed with Dispatch signal sources on
/// a background queue that only count them. The UI thread polls the counts between frames, so
/// nothing depends on the main queue being serviced.
public final class SignalMonitor: Sendable {
    private let interrupts = Atomic<Int>(0)
    private let terminations = Atomic<Int>(0)
    private let lastTermination = Atomic<Int32>(0)
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
        let previous = [SIGINT, SIGTERM, SIGHUP].map { ($0, signal($0, SIG_IGN)) }
        let queue = DispatchQueue(label: "wdl.dashboard.signals")
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: queue)
        let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: queue)
        let hangUp = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        sources = SourceBox([interrupt, terminate, hangUp], previous: previous)
        interrupt.setEventHandler { [weak self] in self?.interrupts.add(1, ordering: .relaxed) }
        terminate.setEventHandler { [weak self] in self?.terminated(by: SIGTERM) }
        hangUp.setEventHandler { [weak self] in self?.terminated(by: SIGHUP) }
        for source in [interrupt, terminate, hangUp] { source.resume() }
    }

    /// True (once per signal burst) when SIGINT arrived since the last call.
    public func takeInterrupt() -> Bool { interrupts.exchange(0, ordering: .relaxed) > 0 }

    /// True when SIGTERM or SIGHUP arrived since the last call.
    public func takeTermination() -> Bool { terminations.exchange(0, ordering: .relaxed) > 0 }

    /// The last SIGTERM or SIGHUP received, if any: the CLI names it and, for SIGHUP, knows the
    /// terminal is gone.
    public var lastTerminationSignal: Int32? {
        let number = lastTermination.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    private func terminated(by number: Int32) {
        lastTermination.store(number, ordering: .relaxed)
        terminations.add(1, ordering: .relaxed)
    }

    /// Stops observing and gives the signals the dispositions they had before.
    public func stop() {
        for source in sources.sources { source.cancel() }
        for (number, handler) in sources.previous { signal(number, handler) }
    }
}
