import ArgumentParser
import Foundation
import SafeTensors
import WdlApp
import WdlExport
import WideDeep

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a saved model's click probability for every row of a data file, one per line, in input order.",
        discussion: """
        The label column may be absent: a CSV header without it, or Criteo rows of 39 fields (the \
        first data row decides); when present it is not read. Line i of the output belongs to data \
        row i of the input (the non-blank lines after the header): a row that cannot be parsed gets \
        an empty line and is reported on stderr with its file and line; blank lines are not rows and \
        get no output line. `--data -` reads standard input and `--out -` writes standard output, \
        streaming the predictions as they are computed. A regular output file is written to a \
        temporary file and renamed; a FIFO, device or symlink (e.g. /dev/stdout) is written through. \
        `--keep-columns id,...` writes those input columns beside the probability: CSV with a header \
        (the columns, then probability), or JSON lines with `--json`. More unparsable rows than \
        --max-skipped allows (default 1%) stop it before anything is written.
        """)

    @Option(name: .long, help: "Checkpoint file (.safetensors).")
    var model: String

    @Option(name: .long, help: "Data in the model's format, with or without the label column (- for standard input).")
    var data: String

    @Option(name: .long, help: "Output file: one probability per line (- for standard output).")
    var out: String

    @Option(name: .long, help: "Also write each row's model inputs (the ONNX graph's: wide ids, embedding rows, multi-valued rows and lengths, numerics; unpadded) to this file, one JSON object per line.")
    var idsOut: String?

    @Option(name: .long, help: "Data format: criteo | csv (default: the model's).")
    var format: DataFormat?

    @Option(name: .long, parsing: .unconditional, help: "Threads.")
    var threads: Int = 2

    @Option(name: .long, help: "Input columns to write beside the probability, comma-separated (e.g. id,site); the output is then CSV with a header.")
    var keepColumns: String?

    @Flag(name: .long, help: "Write JSON lines ({\"id\": \"…\", \"probability\": 0.27}; null for a row that cannot be parsed).")
    var json = false

    @Option(name: .long, help: "Most rows that may fail to parse before predict stops: a fraction (0.05, 5%) or a count (250); default 1%.")
    var maxSkipped: SkippedRowsLimit = .default

    func validate() throws {
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be 1…256, got \(threads)") }
        if let keepColumns, keptColumns.isEmpty || keptColumns.contains(where: \.isEmpty) {
            throw ValidationError("--keep-columns takes column names separated by commas, got '\(keepColumns)'")
        }
    }

    private var keptColumns: [String] {
        keepColumns.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
    }

    func run() throws {
        let outputs = [NamedPath("--out", out), NamedPath("standard output", "-")] + (idsOut.map { [NamedPath("--ids-out", $0)] } ?? [])
        try OutputAliasing.check(outputs: outputs,
                                 inputs: [NamedPath("--model", model), NamedPath("--data", data)])
        let checkpoint = try LoadedCheckpoint.load(path: model)
        if let format, format != checkpoint.layout.schema.format {
            throw ValidationError("--format \(format.rawValue) does not match the model's data format (\(checkpoint.layout.schema.format.rawValue))")
        }
        // Written through, the output may be this process's stdout (/dev/stdout): the summary
        // then goes to stderr, or it would land in (or over) the predictions.
        let summaryToStderr = OutputFile.destination(of: out) != .atomic
        if StandardOutput.isStandardOutput(out) {
            try StandardOutput.requireOpen(.output)
            StandardOutput.reserveOutputForData()
        }
        let outputFormat = try PredictionOutput(keptColumns: keptColumns, json: json)
        var result: BatchPrediction?
        var inputs: [UInt8] = []
        try OutputFile.write(to: out) { output in
            var started = false
            result = try BatchPrediction.stream(checkpoint, dataPath: data, threads: threads, keepColumns: outputFormat.keptColumns,
                                                maxSkipped: maxSkipped) { block in
                if !started { try output.write(outputFormat.header()); started = true }
                try output.write(outputFormat.lines(probabilities: block.probabilities, keptValues: block.keptValues))
                if idsOut != nil { inputs += OnnxFeatureSpec.lines(block) }
            }
        }
        if let idsOut { try OutputFile.write(inputs, to: idsOut) }
        guard let result else { return }
        let outName = TerminalSafe.escape(OutputFile.displayName(of: out))
        if result.skippedRows > 0 {
            var report = "wdl predict: \(result.skippedRows) of \(result.dataRows) rows could not be parsed; their probabilities in \(outName) are empty\n"
            for error in result.errors.prefix(5) { report += "  \(error)\n" }
            if result.skippedRows > 5 { report += "  … and \(result.skippedRows - 5) more\n" }
            try StandardOutput.write(report, to: .error)
        }
        let summary = "wrote \(result.dataRows) predictions to \(outName)"
        try StandardOutput.write(line: summary, to: summaryToStderr ? .error : .output)
    }
}
