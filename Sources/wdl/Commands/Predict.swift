import ArgumentParser
import Foundation
import WideDeep

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a saved model's click probability for every row of a data file, one per line, in input order.",
        discussion: """
        The label column may be absent: a CSV header without it, or Criteo rows of 39 fields (the \
        first data row decides); when present it is not read. Line i of the output belongs to data \
        row i of the input (the non-blank lines after the header): a row that cannot be parsed gets \
        an empty line and is reported on stderr with its file and line; blank lines are not rows and \
        get no output line. The output is written to a temporary file and renamed.
        """)

    @Option(name: .long, help: "Checkpoint file (.safetensors).")
    var model: String

    @Option(name: .long, help: "Data in the model's format, with or without the label column.")
    var data: String

    @Option(name: .long, help: "Output file: one probability per line.")
    var out: String

    @Option(name: .long, help: "Data format: criteo | csv (default: the model's).")
    var format: DataFormat?

    @Option(name: .long, parsing: .unconditional, help: "Threads.")
    var threads: Int = 2

    func validate() throws {
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be 1…256, got \(threads)") }
    }

    func run() throws {
        let checkpoint = try LoadedCheckpoint.load(path: model)
        if let format, format != checkpoint.layout.schema.format {
            throw ValidationError("--format \(format.rawValue) does not match the model's data format (\(checkpoint.layout.schema.format.rawValue))")
        }
        let result = try BatchPrediction.run(checkpoint, dataPath: data, threads: threads)
        try result.write(to: out)
        if result.skippedRows > 0 {
            var report = "wdl predict: \(result.skippedRows) of \(result.dataRows) rows could not be parsed; their lines in \(TerminalSafe.escape(out)) are empty\n"
            for error in result.errors.prefix(5) { report += "  \(error)\n" }
            if result.skippedRows > 5 { report += "  … and \(result.skippedRows - 5) more\n" }
            FileHandle.standardError.write(Data(report.utf8))
        }
        print(TerminalSafe.escape("wrote \(result.dataRows) predictions to \(out)"))
    }
}
