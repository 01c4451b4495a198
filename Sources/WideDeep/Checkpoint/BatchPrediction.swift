import Foundation
import SafeTensors

/// A saved model's probabilities for every data row of a file, in input order (`wdl predict`).
///
/// Rows are the file's non-blank lines after the header (a line of only spaces and tabs is
/// blank: it is not a row and gets no output line). The label column may be absent and is never
/// read (see `DatasetReader.Purpose.prediction`). A row that cannot be parsed keeps its place:
/// its probability is NaN here and its output line is empty, so line i of the output always
/// belongs to data row i of the input.
public struct BatchPrediction: Sendable {
    /// One per data row; NaN where the row could not be parsed.
    public var probabilities: [Float]
    /// Rows that could not be parsed.
    public var skippedRows: Int
    /// The first of their errors (file, line, column), in file order.
    public var errors: [DataError]

    public var dataRows: Int { probabilities.count }

    /// Reads `dataPath` with the checkpoint's schema and scores every row. Throws when the file
    /// cannot be read, is empty, or has no row that parses.
    public static func run(_ checkpoint: LoadedCheckpoint, dataPath: String, threads: Int) throws -> BatchPrediction {
        var reader = DatasetReader(schema: checkpoint.layout.schema, strict: false, threads: threads)
        reader.readableRows = 0
        reader.purpose = .prediction
        let raw = try reader.read(path: dataPath)
        let encoded = FeatureEncoder(layout: checkpoint.layout).encode(raw, threads: threads)
        let logits = checkpoint.model.predictAll(encoded, threads: max(1, threads))
        try CheckpointIntegrity.checkPredictions(logits, checkpoint: checkpoint.path, dataPath: dataPath)
        var probabilities = [Float](repeating: .nan, count: raw.dataRows)
        for (i, row) in raw.dataRowIndices.enumerated() {
            probabilities[row] = Float(BinaryMetrics.sigmoid(Double(logits[i])))
        }
        return BatchPrediction(probabilities: probabilities, skippedRows: raw.skippedRows, errors: raw.errors)
    }

    /// The output file's bytes: one line per data row, the probability in Float's shortest exact
    /// form (e.g. `0.2734521`, `1.5e-05`), or nothing for a row that could not be parsed.
    public func text() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(probabilities.count * 11)
        for p in probabilities {
            if !p.isNaN { out += Array(p.description.utf8) }
            out.append(10)
        }
        return out
    }

    /// Writes `text()` to `path` atomically and durably (`AtomicFile`).
    public func write(to path: String) throws {
        try AtomicFile.write(text(), to: path)
    }
}
