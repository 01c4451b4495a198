import Dashboard
import Foundation
import WdlRuns
import WideDeep

/// Opens the run viewer (`wdl view`) on logs already read once and returns when the user quits or
/// SIGTERM arrives; the terminal is restored before this returns or throws. Reads `NO_COLOR` and
/// loads themes as `runDashboard` does.
///
/// - Throws: `CursesTerminalError` when stdin/stdout is not a terminal or curses cannot start.
public func runViewer(followers: [RunLogFollower], options: DashboardOptions) throws -> ViewerApp.Outcome {
    try FullScreen.run(options) { screen in
        ViewerApp(followers: followers, terminal: screen.terminal, themes: screen.themes, options: screen.options).run()
    }
}
