import ArgumentParser
import Dashboard
import DashboardCurses
import Foundation
import WdlApp
import WdlControl
import WideDeep

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the dashboard on a run started with `wdl train --control`; d detaches and training goes on.",
        discussion: "Without a path, lists the runs serving a socket in $XDG_RUNTIME_DIR/wdl/ (else /tmp/wdl-<uid>/) and attaches to the only one or asks which.")

    @Argument(help: "The run's control socket.")
    var path: String?

    @Flag(name: .long, help: "Watch only: keys that would change the run are refused.")
    var readOnly = false

    @Option(name: .long, help: "Dashboard theme: a name from themes/.")
    var theme = "default"

    func run() throws {
        let me = "wdl attach, user \(ProcessInfo.processInfo.environment["USER"] ?? String(geteuid()))"
        let target: String
        if let path {
            target = path
        } else {
            let folder = RuntimeFolder.standard()
            let runs = folder.liveRuns(client: me + " (listing)")
            target = try RunPicker.choose(from: runs, folder: folder.path, output: StandardOutput.line) { prompt in
                try? StandardOutput.write(prompt, to: .output)
                return readLine()
            }.path
        }
        let client = try ControlClient(path: target, client: me, readOnly: readOnly)
        var options = DashboardOptions(themeName: theme, themesDirectory: BundledData.locate("themes"))
        options.attached = true
        options.readOnly = readOnly
        let outcome = try runDashboard(control: client, options: options)
        client.detach()
        let run = TerminalSafe.escape(outcome.finalSnapshot.runName, maxCharacters: 60)
        switch (outcome.reason, client.connection) {
        // Attached, SIGTERM and SIGHUP detach (.terminated does not arise) and Ctrl-C detaches.
        case (.userQuit, _), (.quitWithoutSaving, _), (.interrupted, _):
            try StandardOutput.write(line: "asked \(run) to stop (it saves its final checkpoint when it has a folder)")
        case (.detached, .lost(let reason)):
            try StandardOutput.write(line: "\(run): \(TerminalSafe.escape(ControlError.connectionLost(reason).description, maxCharacters: 200))")
        case (.detached, .connected), (.detached, .detached), (.terminated, _): try StandardOutput.write(line: "detached from \(run); it goes on")
        case (.detached, .ended): try StandardOutput.write(line: "\(run) has ended")
        }
    }
}
