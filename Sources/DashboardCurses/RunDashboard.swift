import Dashboard
import Foundation
import WideDeep

/// Opens the dashboard on a running training session and returns when the user quits or
/// SIGTERM arrives. The terminal is restored before this returns or throws, so the caller can
/// print its summary (or the error) on the normal screen.
///
/// - Reads `NO_COLOR` from the environment (a non-empty value forces the monochrome look) in
///   addition to `options.noColor`.
/// - Loads themes from `options.themesDirectory`; problems are shown on screen, written to
///   `options.logFile`, and the default theme is used.
/// - While the screen is up, stderr goes to `options.logFile` when one is given.
///
/// - Throws: `CursesTerminalError` when stdin/stdout is not a terminal or curses cannot start.
public func runDashboard(control: some TrainingControl, options: DashboardOptions) throws -> DashboardOutcome {
    var options = options
    if DashboardOptions.noColorRequested(environment: ProcessInfo.processInfo.environment) {
        options.noColor = true
    }
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
        throw CursesTerminalError.notATerminal
    }
    let themes = ThemeLibrary.load(directory: options.themesDirectory)
    let log = DashboardLog(path: options.logFile)
    for problem in themes.problems { log.write("theme: \(problem)") }

    let signals = SignalMonitor()
    defer { signals.stop() }
    log.captureStderr()
    defer { log.releaseStderr() }
    let terminal = try CursesTerminal(signals: signals)
    defer { terminal.shutdown() }

    let app = DashboardApp(control: control, terminal: terminal, themes: themes, options: options)
    let outcome = app.run()
    log.write("ended: \(outcome.reason.rawValue) at step \(outcome.finalSnapshot.step)")
    return outcome
}
