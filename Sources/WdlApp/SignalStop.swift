import Dispatch
import Foundation
import Synchronization

/// A run's answer to SIGINT, SIGTERM and SIGHUP (Ctrl-C, `kill` and schedulers, a terminal or SSH
/// session gone) outside the dashboard: the first stops the run as the dashboard's stop does —
/// after the current minibatch, with the final evaluation and checkpoint, the control socket
/// removed — so a run killed by its scheduler's grace signal or its lost terminal loses nothing; a
/// second ends the process at once (128 + the signal's number). Signals are observed with
/// Dispatch sources (no code runs in a signal handler).
/// Sendable: immutable after init; Dispatch sources are thread-safe.
public final class SignalStop: @unchecked Sendable {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    private let sources: [any DispatchSourceSignal]

    /// `stop` runs on the first signal; `say` reports what happens (stderr). `alreadyStopping`
    /// names a signal already taken (the dashboard's, which closed it): the next one quits at once.
    public init(alreadyStopping: Int32? = nil, stop: @escaping @Sendable () -> Void,
                say: @escaping @Sendable (String) -> Void) {
        for number in Self.signals { signal(number, SIG_IGN) }
        // Which of stdout and stderr are terminals, asked now: after a hang-up the question fails.
        let terminals = [STDOUT_FILENO, STDERR_FILENO].filter { isatty($0) == 1 }
        let queue = DispatchQueue(label: "wdl.headless.signals")
        let received = Atomic<Int>(alreadyStopping == nil ? 0 : 1)
        sources = Self.signals.map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        for (source, number) in zip(sources, Self.signals) {
            source.setEventHandler {
                let count = received.add(1, ordering: .relaxed).newValue
                if number == SIGHUP { SignalStop.leaveHungUpTerminal(terminals) }
                let name = SignalStop.name(of: number)
                if count == 1 {
                    say("wdl: \(name): stopping after this minibatch (final evaluation and checkpoint); send it again to quit at once")
                    stop()
                } else {
                    say("wdl: \(name) again: quitting without saving")
                    exit(128 + number)
                }
            }
            source.resume()
        }
    }

    /// Stops observing and restores the default dispositions.
    public func cancel() {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }

    public static func name(of number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(number)"
        }
    }

    /// Points those of `descriptors` (stdout and stderr when they were terminals) that no longer
    /// answer as a terminal at /dev/null: a hung-up terminal (the kernel hangs it up before it
    /// sends SIGHUP) fails every write, and a line written to it must not end the run before it
    /// has saved. A terminal still there (`kill -HUP` from elsewhere) keeps its output.
    public static func leaveHungUpTerminal(_ descriptors: [Int32]) {
        let gone = descriptors.filter { isatty($0) != 1 }
        guard !gone.isEmpty else { return }
        let null = open("/dev/null", O_WRONLY)
        guard null >= 0 else { return }
        for descriptor in gone { dup2(null, descriptor) }
        close(null)
    }
}
