import ArgumentParser
import Foundation
import WideDeep

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert what wdl wrote for other tools: a metrics log for TensorBoard.",
        discussion: """
        `wdl export --tensorboard DIR runs/x.jsonl` writes the evaluations of a metrics log \
        (--metrics-out) as a TensorBoard event file in DIR, with the tags `wdl train --tensorboard` uses.
        """)

    @Option(name: .long, help: "Write a TensorBoard event file into this folder from the metrics log given.")
    var tensorboard: String?

    @Argument(help: "The file to convert: a metrics log (.jsonl).")
    var input: String

    func validate() throws {
        guard tensorboard != nil else { throw ValidationError("say what to export: --tensorboard DIR") }
    }

    func run() throws {
        if let tensorboard {
            let (path, evaluations) = try TensorBoardLog.convert(metricsLog: input, into: tensorboard)
            print("wrote \(evaluations) evaluations to \(path)")
        }
    }
}
