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

    /// Data rows read (parsed or not).
    public var dataRows: Int

    /// Reads `dataPath` (`-`: standard input) with the checkpoint's schema and scores every row.
    /// Throws when the input cannot be read, is empty, or has no row that parses.
    public static func run(_ checkpoint: LoadedCheckpoint, dataPath: String, threads: Int) throws -> BatchPrediction {
        var probabilities: [Float] = []
        var result = try stream(checkpoint, dataPath: dataPath, threads: threads) { probabilities += $0.probabilities }
        result.probabilities = probabilities
        return result
    }

    /// As `run`, but hands the probabilities to `emit` in input order, a block of consecutive
    /// data rows at a time, as soon as each block is scored (so `wdl predict --out -` streams).
    /// The result has the counts and errors; its `probabilities` are empty. `blocks` counts
    /// prediction batches of `predictionBatch` rows per block. `keepColumns` names input columns
    /// whose text each block carries beside the probabilities. Throws before emitting anything
    /// when more rows than `maxSkipped` allows cannot be parsed.
    public static func stream(_ checkpoint: LoadedCheckpoint, dataPath: String, threads: Int, blocks: Int = 16,
                              keepColumns: [String] = [], maxSkipped: SkippedRowsLimit = .fraction(1),
                              emit: (Block) throws -> Void) throws -> BatchPrediction {
        let blockRows = max(1, blocks) * predictionBatch
        var reader = DatasetReader(schema: checkpoint.layout.schema, strict: false, threads: threads)
        reader.readableRows = 0
        reader.purpose = .prediction
        reader.keepColumns = keepColumns
        let raw = try reader.read(path: dataPath)
        try maxSkipped.check(skipped: raw.skippedRows, rows: raw.dataRows, errors: raw.errors,
                             file: DatasetReader.displayName(of: dataPath))
        let kept = keepColumns.count
        func keptValues(_ dataRows: Range<Int>) -> [String] {
            kept == 0 ? [] : Array(raw.keptValues[(dataRows.lowerBound * kept)..<(dataRows.upperBound * kept)])
        }
        let encoded = FeatureEncoder(layout: checkpoint.layout).encode(raw, threads: threads)
        var logits = [Float](repeating: 0, count: encoded.count)
        let order = (0..<Int32(encoded.count)).map { $0 }
        var nextDataRow = 0
        var start = 0
        while start < encoded.count {
            let end = min(encoded.count, start + blockRows)
            order.withUnsafeBufferPointer { all in
                logits.withUnsafeMutableBufferPointer { out in
                    // In the model's batches of `predictionBatch`, as `predictAll` scores them.
                    for batch in stride(from: start, to: end, by: Self.predictionBatch) {
                        let batchEnd = min(end, batch + Self.predictionBatch)
                        checkpoint.model.predict(encoded, rows: UnsafeBufferPointer(rebasing: all[batch..<batchEnd]),
                                                 into: out.baseAddress! + batch, threads: max(1, threads))
                    }
                }
            }
            try CheckpointIntegrity.checkPredictions(Array(logits[start..<end]), firstRow: start, checkpoint: checkpoint.path,
                                                     dataPath: dataPath)
            // Data rows up to the block's last parsed row are settled; unparsed ones among them are NaN.
            let lastDataRow = raw.dataRowIndices[end - 1]
            var block = [Float](repeating: .nan, count: lastDataRow + 1 - nextDataRow)
            for i in start..<end {
                block[raw.dataRowIndices[i] - nextDataRow] = Float(BinaryMetrics.sigmoid(Double(logits[i])))
            }
            try emit(Block(probabilities: block, encoded: encoded, encodedRows: start..<end,
                           keptValues: keptValues(nextDataRow..<(lastDataRow + 1))))
            nextDataRow = lastDataRow + 1
            start = end
        }
        // Unparsed rows after the last parsed one.
        if nextDataRow < raw.dataRows {
            try emit(Block(probabilities: [Float](repeating: .nan, count: raw.dataRows - nextDataRow), encoded: encoded,
                           encodedRows: encoded.count..<encoded.count, keptValues: keptValues(nextDataRow..<raw.dataRows)))
        }
        return BatchPrediction(probabilities: [], skippedRows: raw.skippedRows, errors: raw.errors, dataRows: raw.dataRows)
    }

    static let predictionBatch = 1024

    /// Consecutive data rows' probabilities (NaN: not parsed) and the model inputs of the parsed
    /// ones among them, `encoded`'s rows `encodedRows`, in the same order.
    public struct Block {
        public var probabilities: [Float]
        public var encoded: EncodedDataset
        public var encodedRows: Range<Int>
        /// The kept columns' text for each of the data rows, row-major (empty when none are kept).
        public var keptValues: [String] = []
    }

    /// Output lines for `probabilities`: one per data row, the probability in Float's shortest
    /// exact form (e.g. `0.2734521`, `1.5e-05`), or nothing for a row that could not be parsed.
    public static func lines(_ probabilities: [Float]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(probabilities.count * 11)
        for p in probabilities {
            if !p.isNaN { out += Array(p.description.utf8) }
            out.append(10)
        }
        return out
    }

    /// The output file's bytes (`lines` of all the probabilities).
    public func text() -> [UInt8] { Self.lines(probabilities) }

    /// Writes `text()` to `path` as `OutputFile` does (atomically for a regular file).
    public func write(to path: String) throws {
        try OutputFile.write(text(), to: path)
    }
}
