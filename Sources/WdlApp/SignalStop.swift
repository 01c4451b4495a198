import Dispatch
import Foundation
import Synchronization

/// A headless run's answer to SIGINT and SIGTERM (what Ctrl-C, `kill` and schedulers send): the
/// first stops the run as the dashboard's stop does — after the current minibatch, with the final
/// evaluation and checkpoint, the control socket removed — so a run killed by its scheduler's
/// grace signal loses nothing; a second ends the process at once. Signals are observed with
/// Dispatch sources (no code runs in a signal handler).
public final class SignalStop: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    /// `stop` runs on the first signal; `say` reports what happens (stderr).
    public init(stop: @escaping @Sendable () -> Void, say: @escaping @Sendable (String) -> Void) {
        let signals: [Int32] = [SIGINT, SIGTERM]
        for number in signals { signal(number, SIG_IGN) }
        let queue = DispatchQueue(label: "wdl.headless.signals")
        let received = Atomic<Int>(0)
        sources = signals.map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        for (source, number) in zip(sources, signals) {
            source.setEventHandler {
                let count = received.add(1, ordering: .relaxed).newValue
                let name = number == SIGINT ? "SIGINT" : "SIGTERM"
                if count == 1 {
                    say("wdl: \(name): stopping after this minibatch (final evaluation and checkpoint); send it again to quit at once")
                    stop()
                } else {
                    say("wdl: \(name) again: quitting without saving")
                    exit(number == SIGINT ? 130 : 143)
                }
            }
            source.resume()
        }
    }

    /// Stops observing and restores the default dispositions.
    public func cancel() {
        for source in sources { source.cancel() }
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
    }
}
