import ArgumentParser
import Foundation
import SafeTensors
import WdlApp
import WdlExport
import WideDeep

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert what wdl wrote for other tools: a metrics log for TensorBoard, a model for ONNX Runtime.",
        discussion: """
        `wdl export --tensorboard DIR runs/x.jsonl` writes the evaluations of a metrics log \
        (--metrics-out) as a TensorBoard event file in DIR, with the tags `wdl train --tensorboard` uses. \
        `wdl export --onnx model.onnx FILE.safetensors` writes the model as an ONNX graph (opset 17) \
        and its feature spec as model.onnx.features.json (see docs/serving.md and docs/model.md).
        """)

    @Option(name: .long, help: "Write a TensorBoard event file into this folder from the metrics log given.")
    var tensorboard: String?

    @Option(name: .long, help: "Write the checkpoint given as an ONNX model to this file (and FILE.features.json).")
    var onnx: String?

    @Argument(help: "The file to convert: a metrics log (.jsonl) or a checkpoint (.safetensors).")
    var input: String

    func validate() throws {
        guard (tensorboard != nil) != (onnx != nil) else {
            throw ValidationError("say what to export, one at a time: --tensorboard DIR (a metrics log) or --onnx FILE (a checkpoint)")
        }
    }

    func run() throws {
        let source = NamedPath(tensorboard != nil ? "the metrics log" : "the checkpoint", input)
        let targets = tensorboard.map { [NamedPath("--tensorboard", $0)] }
            ?? onnx.map { [NamedPath("--onnx", $0), NamedPath("--onnx's feature spec", $0 + ".features.json")] } ?? []
        try OutputAliasing.check(outputs: targets + [NamedPath("standard output", "-")], inputs: [source])
        if let tensorboard {
            let (path, evaluations, skippedCutLine) = try TensorBoardLog.convert(metricsLog: input, into: tensorboard)
            if skippedCutLine {
                try StandardOutput.write(line: "wdl export: the last line of \(TerminalSafe.escape(input)) is cut short (no newline, not a whole record); it was left out", to: .error)
            }
            try StandardOutput.write(line: "wrote \(evaluations) evaluations to \(TerminalSafe.escape(path))")
        }
        if let onnx {
            if StandardOutput.isStandardOutput(onnx) {
                try StandardOutput.requireOpen(.output)
                StandardOutput.reserveOutputForData()
            }
            let checkpoint = try LoadedCheckpoint.load(path: input)
            try OutputFile.write(try OnnxModel.encoded(checkpoint.model, calibration: try checkpoint.calibration()), to: onnx)
            try OutputFile.write(OnnxFeatureSpec.json(checkpoint.layout, mode: checkpoint.model.mode), to: onnx + ".features.json")
            let shown = TerminalSafe.escape(onnx)
            // Beside the model, not in it, when the model went to stdout.
            try StandardOutput.write(line: "wrote \(shown) and \(shown).features.json",
                                     to: StandardOutput.isStandardOutput(onnx) ? .error : .output)
        }
    }
}
