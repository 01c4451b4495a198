import Dashboard
import Foundation
import WideDeep

/// Opens the dashboard on a running training session and returns when the user quits or detaches,
/// or SIGTERM or SIGHUP arrives (the outcome names it; the caller stops the run gracefully). The terminal is restored before this returns or throws, so the caller can
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
    try FullScreen.run(options) { screen in
        let app = DashboardApp(control: control, terminal: screen.terminal, themes: screen.themes, options: screen.options)
        var outcome = app.run()
        if outcome.reason == .terminated { outcome.terminationSignal = screen.signals.lastTerminationSignal }
        screen.log.write("ended: \(outcome.reason.rawValue) at step \(outcome.finalSnapshot.step)")
        return outcome
    }
}
