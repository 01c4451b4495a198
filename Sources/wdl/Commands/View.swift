import ArgumentParser
import Dashboard
import DashboardCurses
import Foundation
import WdlRuns
import WideDeep

/// `wdl view`: metrics logs (`wdl train --metrics-out`), finished or still growing, side by side.
struct View: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show metrics logs (wdl train --metrics-out) in a full-screen view: one run's curves, or several overlaid and compared; a log still being written is followed.")

    @Argument(help: "Metrics logs (JSON Lines) to show, at most 9 (the keys 1-9 show and hide each).")
    var logs: [String]

    @Option(name: .long, help: "Theme: a name from themes/ (light, high-contrast, monochrome, nord, or the default one).")
    var theme = "default"

    func validate() throws {
        if logs.isEmpty { throw ValidationError("give at least one metrics log (wdl train --metrics-out FILE)") }
        if logs.count > 9 { throw ValidationError("at most 9 logs at a time (the keys 1-9 show and hide them), got \(logs.count)") }
    }

    func run() throws {
        // Every log is read whole before the screen opens, so a bad one is reported here.
        let followers = try logs.map { path throws(DataError) in try RunLogFollower(path: path) }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1, !term.isEmpty, term != "dumb" else {
            throw RunFailure(message: "wdl view needs a terminal (stdin and stdout, TERM not dumb); wdl export --tensorboard converts a log for other viewers")
        }
        let options = DashboardOptions(themeName: theme, themesDirectory: BundledData.locate("themes"))
        if try runViewer(followers: followers, options: options) == .terminated {
            Foundation.exit(143)
        }
    }
}
