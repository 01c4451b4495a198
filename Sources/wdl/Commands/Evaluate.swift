import ArgumentParser
import Foundation
import WdlApp
import WideDeep

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Evaluate a saved model on a labelled data file: logloss, AUC, accuracy, calibration.",
        discussion: "Rows that cannot be read are skipped, counted and reported on stderr with their file and line. A metric the rows cannot define (AUC with one class only) is an error: exit 1.")

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

    @Option(name: .long, help: "Most rows that may fail to parse before eval stops: a fraction (0.05, 5%) or a count (250); default 1%.")
    var maxSkipped: SkippedRowsLimit = .default

    func run() throws {
        try OutputAliasing.check(outputs: [NamedPath("standard output", "-")],
                                 inputs: [NamedPath("--model", model), NamedPath("--data", data)])
        let checkpoint = try LoadedCheckpoint.load(path: model)
        if let format, format != checkpoint.layout.schema.format {
            throw ValidationError("--format \(format.rawValue) does not match the model's data format (\(checkpoint.layout.schema.format.rawValue))")
        }
        let result = try CheckpointEvaluation.run(checkpoint, dataPath: data, threads: threads, maxSkipped: maxSkipped)
        let m = result.metrics
        var skipped: [String] = []
        if result.skippedRows > 0 {
            skipped = ["\(result.skippedRows) of \(result.skippedRows + m.count) rows could not be read and were left out:"]
            skipped += result.errors.prefix(5).map { "  \($0)" }
            if result.skippedRows > 5 { skipped.append("  … and \(result.skippedRows - 5) more") }
        }
        let undefined = Self.undefinedMetrics(m)
        // Said in the error when a metric is undefined (the skipped rows are often why), else
        // as a warning before the figures.
        if undefined == nil, let first = skipped.first {
            for line in ["warning: " + first] + skipped.dropFirst() { try StandardOutput.write(line: line, to: .error) }
        }
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
            try StandardOutput.write(line: TerminalSafe.json(String(decoding: bytes, as: UTF8.self)))
        } else {
            try StandardOutput.write(line: TerminalSafe.escape("model \(model) (step \(checkpoint.step), \(checkpoint.config.model.mode.rawValue)) on \(data): \(m.count) rows, \(result.skippedRows) skipped", maxCharacters: .max))
            try StandardOutput.write(line: String(format: "logloss %@  AUC %@  accuracy %@  mean prediction %@ vs positive rate %@",
                                                  Self.figure(m.logloss), Self.figure(m.auc), Self.figure(m.accuracy),
                                                  Self.figure(m.meanPrediction), Self.figure(m.positiveRate)))
        }
        if let undefined {
            throw RunFailure(message: (["\(data): \(undefined)"] + skipped).joined(separator: "\n"))
        }
    }

    private static func figure(_ value: Double) -> String {
        value.isFinite ? String(format: "%.4f", value) : "undefined"
    }

    /// Why a metric has no value on these rows, or nil when every one has.
    static func undefinedMetrics(_ m: EvaluationMetrics) -> String? {
        let positives = Int((m.positiveRate * Double(m.count)).rounded())
        if m.count > 0, positives == 0 || positives == m.count {
            let which = positives == 0 ? "negative" : "positive"
            return "AUC is undefined: all \(m.count) rows evaluated are \(which) (AUC ranks positives against negatives; the data needs both)"
        }
        let names = [("logloss", m.logloss), ("AUC", m.auc), ("accuracy", m.accuracy),
                     ("mean prediction", m.meanPrediction), ("positive rate", m.positiveRate)]
        let missing = names.filter { !$0.1.isFinite }.map(\.0)
        guard !missing.isEmpty else { return nil }
        return "\(missing.joined(separator: ", ")) undefined on these \(m.count) rows"
    }
}
