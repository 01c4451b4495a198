import Foundation

/// A saved model's metrics on a labelled data file (`wdl eval`): logloss, AUC, accuracy and
/// calibration over every row that parses, read with the checkpoint's own schema.
public struct CheckpointEvaluation: Sendable {
    public var metrics: EvaluationMetrics
    /// Rows that could not be parsed and were left out of the metrics.
    public var skippedRows: Int
    /// The first few skipped rows' errors (file, line and why), in line order.
    public var errors: [DataError] = []

    /// Reads `dataPath` with the checkpoint's schema (rows that do not parse are skipped and
    /// counted), scores every row and measures the predictions against the labels. Throws when
    /// the file cannot be read, is empty, has no row that parses, or more rows than `maxSkipped`
    /// allows do not.
    public static func run(_ checkpoint: LoadedCheckpoint, dataPath: String, threads: Int,
                           maxSkipped: SkippedRowsLimit = .fraction(1)) throws -> CheckpointEvaluation {
        var reader = DatasetReader(schema: checkpoint.layout.schema, strict: false, threads: threads)
        reader.readableRows = 0
        let raw = try reader.read(path: dataPath)
        try maxSkipped.check(skipped: raw.skippedRows, rows: raw.dataRows, errors: raw.errors,
                             file: DatasetReader.displayName(of: dataPath))
        let encoded = FeatureEncoder(layout: checkpoint.layout).encode(raw, threads: threads)
        let logits = checkpoint.model.predictAll(encoded, threads: threads)
        try CheckpointIntegrity.checkPredictions(logits, checkpoint: checkpoint.path, dataPath: dataPath)
        return CheckpointEvaluation(metrics: BinaryMetrics.evaluate(logits: logits, labels: encoded.labels),
                                    skippedRows: raw.skippedRows, errors: raw.errors)
    }
}
