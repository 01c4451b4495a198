import CNcursesw
import Glibc

/// Restores the terminal when the process dies from a trap or a crash while curses is up (a
/// Swift runtime trap is SIGILL or SIGTRAP), then hands the signal to whatever handled it before
/// (Swift's backtracer, or the default action), so the crash report still appears — on a usable
/// terminal.
/// `sigaction` names both a struct and a function in Glibc; the alias picks the struct.
private typealias SignalAction = sigaction

enum CrashGuard {
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]
    /// Dispositions before `install`, indexed by signal number. Written only by install/remove
    /// on the UI thread; read by the handler, which runs once at most (SA_RESETHAND).
    nonisolated(unsafe) fileprivate static var previous = [SignalAction](repeating: SignalAction(), count: 65)

    static func install() {
        for number in signals {
            var action = SignalAction()
            action.__sigaction_handler = .init(sa_handler: crashHandler)
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(bitPattern: UInt32(truncatingIfNeeded: SA_RESETHAND))
            sigaction(number, &action, &previous[Int(number)])
        }
    }

    static func remove() {
        for number in signals { sigaction(number, &previous[Int(number)], nil) }
    }
}

private func crashHandler(_ number: Int32) {
    cn_end_if_active()
    sigaction(number, &CrashGuard.previous[Int(number)], nil)
    raise(number)
}
