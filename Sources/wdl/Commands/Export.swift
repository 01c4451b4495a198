import ArgumentParser
import Foundation
import SafeTensors
import WideDeep

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert what wdl wrote for other tools: a metrics log for TensorBoard, a model for ONNX Runtime.",
        discussion: """
        `wdl export --tensorboard DIR runs/x.jsonl` writes the evaluations of a metrics log \
        (--metrics-out) as a TensorBoard event file in DIR, with the tags `wdl train --tensorboard` uses. \
        `wdl export --onnx model.onnx FILE.safetensors` writes the model as an ONNX graph (opset 17) \
        and its feature spec as model.onnx.features.json (see docs/serving.md); models with \
        multi-valued fields are refused.
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
        if let tensorboard {
            let (path, evaluations) = try TensorBoardLog.convert(metricsLog: input, into: tensorboard)
            print("wrote \(evaluations) evaluations to \(path)")
        }
        if let onnx {
            let checkpoint = try LoadedCheckpoint.load(path: input)
            if let refusal = OnnxModel.refusal(checkpoint.layout) { throw ValidationError("\(input): \(refusal)") }
            try OutputFile.write(try OnnxModel.encoded(checkpoint.model, calibration: try checkpoint.calibration()), to: onnx)
            try OutputFile.write(try OnnxFeatureSpec.json(checkpoint.layout), to: onnx + ".features.json")
            print("wrote \(onnx) and \(onnx).features.json")
        }
    }
}
