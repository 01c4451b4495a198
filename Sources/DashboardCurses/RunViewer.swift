import Dashboard
import Foundation
import WideDeep

/// Opens the run viewer (`wdl view`) on logs already read once and returns when the user quits or
/// SIGTERM arrives; the terminal is restored before this returns or throws. Reads `NO_COLOR` and
/// loads themes as `runDashboard` does.
///
/// - Throws: `CursesTerminalError` when stdin/stdout is not a terminal or curses cannot start.
public func runViewer(followers: [RunLogFollower], options: DashboardOptions) throws -> ViewerApp.Outcome {
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

    let app = ViewerApp(followers: followers, terminal: terminal, themes: themes, options: options)
    return app.run()
}
