import ArgumentParser
import Foundation
import WdlApp
import WideDeep

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a checkpoint: run config, progress, sizes, wide sparsity per feature group, embedding norms, top wide weights.",
        discussion: """
        The file is fully validated first. Wide weights are computed from FTRL's z and n with the \
        hyperparameters saved in the checkpoint; each is named by a feature value that hashed to it \
        in the first training rows, "(unnamed)" where none was recorded.
        """)

    @Argument(help: "Checkpoint file (.safetensors).")
    var file: String

    @Option(name: .long, parsing: .unconditional, help: "How many of the strongest wide weights to list.")
    var top: Int = 20

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard (0...CheckpointInspection.maxTop).contains(top) else {
            throw ValidationError("--top must be 0…\(CheckpointInspection.maxTop), got \(top)")
        }
    }

    func run() throws {
        try OutputAliasing.check(outputs: [NamedPath("standard output", "-")], inputs: [NamedPath("the checkpoint", file)])
        let inspection = CheckpointInspection(try LoadedCheckpoint.load(path: file), top: top)
        try StandardOutput.write(line: json ? TerminalSafe.json(try inspection.json()) : inspection.text())
    }
}
