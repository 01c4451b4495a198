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

    @Option(name: .long, help: "Save DIR/step-<step>.safetensors every N training examples (needs --checkpoint-dir).")
    var checkpointEvery: Int?

    @Option(name: .long, help: "Keep only the newest K step checkpoints.")
    var keep: Int?

    @Option(name: .long, help: "Continue the run saved in this checkpoint, with its config; --epochs stays the run's total.")
    var resume: String?

    func validate() throws {
        if let checkpointEvery, checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be a positive integer, got \(checkpointEvery)") }
        if let keep, keep < 1 { throw ValidationError("--keep must be a positive integer, got \(keep)") }
        if (checkpointEvery != nil || keep != nil) && checkpointDir == nil {
            throw ValidationError("--checkpoint-every and --keep need --checkpoint-dir DIR")
        }
    }

    func run() throws {
        let config = try resume.map { try runConfig.resolve(resuming: $0) } ?? runConfig.resolve()
        var options = SessionOptions()
        options.runName = config.name ?? URL(fileURLWithPath: config.data.train ?? "run").deletingPathExtension().lastPathComponent
        options.metricsPath = metricsOut
        options.checkpointDirectory = checkpointDir
        options.checkpointEvery = checkpointEvery
        options.keep = keep
        options.resumePath = resume
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
