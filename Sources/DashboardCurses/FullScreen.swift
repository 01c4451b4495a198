import Dashboard
import Foundation

/// What every full-screen command (`runDashboard`, `runViewer`) does around its app: `NO_COLOR`,
/// the terminal check, the themes (their problems written to the log file), signals, stderr
/// captured into the log while the screen is up, and curses started and always shut down.
struct FullScreen {
    let terminal: CursesTerminal
    let themes: ThemeLibrary
    let options: DashboardOptions
    let log: DashboardLog
    let signals: SignalMonitor

    /// Runs `body` with the screen up; the terminal is restored before this returns or throws.
    static func run<T>(_ options: DashboardOptions, _ body: (FullScreen) throws -> T) throws -> T {
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
        return try body(FullScreen(terminal: terminal, themes: themes, options: options, log: log, signals: signals))
    }
}
