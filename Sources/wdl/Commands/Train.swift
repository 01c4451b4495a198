import ArgumentParser
import Foundation
import WideDeep

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a Wide & Deep model (headless: one line per evaluation and a final summary).")

    @OptionGroup var runConfig: RunConfigOptions

    @Flag(name: .long, help: "Plain-text output instead of the dashboard.")
    var headless = false

    @Option(name: .long, help: "Write one JSON object per evaluation and per event to this file (JSON Lines).")
    var metricsOut: String?

    @Option(name: .long, help: "Folder for checkpoints (the dashboard's s key, --checkpoint-every, final.safetensors).")
    var checkpointDir: String?

    func run() throws {
        let config = try runConfig.resolve()
        var options = SessionOptions()
        options.runName = config.name ?? URL(fileURLWithPath: config.data.train ?? "run").deletingPathExtension().lastPathComponent
        options.metricsPath = metricsOut
        options.checkpointDirectory = checkpointDir
        let session = TrainingSession(config: config, options: options)
        let outcome = HeadlessRunner(session: session).run()
        if case .failed(let message) = outcome { throw RunFailure(message: message) }
    }
}

/// An error already described to the user; exits non-zero with its message.
struct RunFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
