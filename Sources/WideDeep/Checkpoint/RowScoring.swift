import Foundation

/// Scoring rows that arrive as bytes in the model's data format, one request at a time
/// (`wdl serve`), with the same reader, encoder and model calls as `BatchPrediction` so that a
/// row gets the same probability, bit for bit, as the same line given to `wdl predict`.
///
/// Split in three so a server can parse and encode many requests at once and hold a lock only
/// around `probabilities`: the model's forward pass writes its workspace and packed weights, so
/// two calls of it on one model must not overlap.
extension LoadedCheckpoint {
    /// Parses `bytes` (a CSV with its header, or Criteo lines with or without the label) as
    /// `wdl predict` reads a file; throws the first row's error (its line and column) instead of
    /// skipping it. Blank lines are not rows.
    public func parsePredictionRows(_ bytes: [UInt8], source: String) throws -> RawDataset {
        var reader = DatasetReader(schema: layout.schema, strict: true, threads: 1)
        reader.readableRows = 0
        reader.purpose = .prediction
        return try reader.parse(bytes: bytes, file: source)
    }

    /// The model inputs of parsed rows (pure: safe to call concurrently).
    public func encodePredictionRows(_ raw: RawDataset, threads: Int = 1) -> EncodedDataset {
        FeatureEncoder(layout: layout).encode(raw, threads: threads)
    }

    /// Each row's probability, in `BatchPrediction`'s batches of rows. Not safe to call
    /// concurrently on one checkpoint (see above). Throws when a logit is not finite.
    public func probabilities(of encoded: EncodedDataset, threads: Int, source: String) throws -> [Float] {
        var logits = [Float](repeating: 0, count: encoded.count)
        let order = (0..<Int32(encoded.count)).map { $0 }
        order.withUnsafeBufferPointer { all in
            logits.withUnsafeMutableBufferPointer { out in
                for batch in stride(from: 0, to: encoded.count, by: BatchPrediction.predictionBatch) {
                    let batchEnd = min(encoded.count, batch + BatchPrediction.predictionBatch)
                    model.predict(encoded, rows: UnsafeBufferPointer(rebasing: all[batch..<batchEnd]),
                                  into: out.baseAddress! + batch, threads: max(1, threads))
                }
            }
        }
        try CheckpointIntegrity.checkPredictions(logits, checkpoint: path, dataPath: source)
        // Corrected for negative downsampling as `wdl predict` corrects it (`Calibration`).
        let calibration = try calibration()
        return logits.map { calibration.probability(logit: $0) }
    }
}
