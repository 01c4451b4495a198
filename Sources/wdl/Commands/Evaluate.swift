import ArgumentParser
import Foundation
import WideDeep

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Evaluate a saved model on a labelled data file: logloss, AUC, accuracy, calibration.")

    @Option(name: .long, help: "Checkpoint file (.safetensors).")
    var model: String

    @Option(name: .long, help: "Labelled data in the model's format: a file (plain, gzip or zstd), a folder or glob of part files, a comma-separated list, or - for standard input.")
    var data: String

    @Option(name: .long, help: "Data format: criteo | csv (default: the model's).")
    var format: DataFormat?

    @Option(name: .long, parsing: .unconditional, help: "Threads.")
    var threads: Int = 2

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let checkpoint = try LoadedCheckpoint.load(path: model)
        if let format, format != checkpoint.layout.schema.format {
            throw ValidationError("--format \(format.rawValue) does not match the model's data format (\(checkpoint.layout.schema.format.rawValue))")
        }
        let result = try CheckpointEvaluation.run(checkpoint, dataPath: data, threads: threads)
        let m = result.metrics
        if json {
            let object: [String: Any] = [
                "model": model, "data": data, "rows": m.count, "skipped_rows": result.skippedRows,
                "logloss": m.logloss, "auc": m.auc, "accuracy": m.accuracy,
                "mean_prediction": m.meanPrediction, "positive_rate": m.positiveRate, "step": checkpoint.step,
            ]
            let bytes = try JSONSerialization.data(withJSONObject: object.mapValues { v -> Any in
                if let d = v as? Double, !d.isFinite { return NSNull() }
                return v
            }, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: bytes, as: UTF8.self))
        } else {
            print(TerminalSafe.escape("model \(model) (step \(checkpoint.step), \(checkpoint.config.model.mode.rawValue)) on \(data): \(m.count) rows, \(result.skippedRows) skipped", maxCharacters: .max))
            print(String(format: "logloss %.4f  AUC %.4f  accuracy %.4f  mean prediction %.4f vs positive rate %.4f",
                         m.logloss, m.auc, m.accuracy, m.meanPrediction, m.positiveRate))
        }
    }
}
