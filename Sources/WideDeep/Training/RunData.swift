import Foundation

/// The data of a run, read, fitted and encoded: what the training loop consumes.
public struct RunData: Sendable {
    public var layout: FeatureLayout
    public var train: EncodedDataset
    public var valid: EncodedDataset
    /// Where the validation rows came from (a file, or the held-out tail of the training file).
    public var validDescription: String
    public var trainSkipped: Int
    public var validSkipped: Int
    /// The first malformed rows' errors of both files.
    public var errors: [DataError]

    /// Share of training rows held out for validation when the config names no validation file.
    public static let holdOutShare = 0.1

    public enum Phase: Sendable { case readingTrain, readingValid, encoding }

    /// Reads the training (and validation) file, fits the feature layout on training rows and
    /// encodes both (with `fixedLayout`, a resumed run's, nothing is refitted). Without a validation file, the last 10% of the training rows (in file order)
    /// are held out for validation.
    public static func load(config: RunConfig, threads: Int, layout fixedLayout: FeatureLayout? = nil,
                            progress: (@Sendable (Phase, LoadingProgress) -> Void)? = nil) throws -> RunData {
        guard let trainPath = config.data.train else {
            throw ConfigError("no training data: set data.train in the config or pass --train")
        }
        let schema = try DataSchema(config: config, resuming: fixedLayout)
        var reader = DatasetReader(schema: schema, strict: config.train.strict, threads: threads)
        // A split by time reads the time column of every training row.
        reader.holdoutColumn = config.data.valid == nil ? config.data.holdoutBy : nil
        var raw = try reader.read(path: trainPath) { rows, skipped, fraction in
            progress?(.readingTrain, LoadingProgress(file: trainPath, rowsRead: rows, rowsSkipped: skipped, fraction: fraction))
        }
        try config.data.maxSkipped.check(skipped: raw.skippedRows, rows: raw.dataRows, errors: raw.errors, file: trainPath)
        var validRaw: RawDataset
        let validDescription: String
        if let validPath = config.data.valid {
            var validReader = reader
            validReader.readableRows = 0
            validReader.holdoutColumn = nil
            validRaw = try validReader.read(path: validPath) { rows, skipped, fraction in
                progress?(.readingValid, LoadingProgress(file: validPath, rowsRead: rows, rowsSkipped: skipped, fraction: fraction))
            }
            try config.data.maxSkipped.check(skipped: validRaw.skippedRows, rows: validRaw.dataRows, errors: validRaw.errors,
                                             file: validPath)
            validDescription = validPath
        } else if let column = config.data.holdoutBy {
            guard let split = raw.splitByTime(share: holdOutShare) else {
                throw DataError(file: trainPath, column: column, "data.holdout_by: every training row has the same time, nothing to hold out by it; set data.valid or drop data.holdout_by")
            }
            guard split.heldOut.count >= 2, split.kept.count >= 2 else {
                throw DataError(file: trainPath, column: column, "data.holdout_by: the split by time leaves \(split.kept.count) training and \(split.heldOut.count) validation rows; set data.valid")
            }
            (raw, validRaw) = (split.kept, split.heldOut)
            validDescription = "the \(validRaw.count) rows of \(trainPath) with \(column) ≥ \(TimeKey.text(split.from)) (the latest \(Int(holdOutShare * 100))%)"
        } else {
            guard raw.count >= 20 else {
                throw DataError(file: trainPath, "too few rows (\(raw.count)) to hold out a validation set; set data.valid")
            }
            let keep = raw.count - Int(Double(raw.count) * holdOutShare)
            (raw, validRaw) = raw.split(at: keep)
            validDescription = "last \(validRaw.count) rows of \(trainPath)"
        }
        progress?(.encoding, LoadingProgress(file: trainPath, rowsRead: raw.count, rowsSkipped: raw.skippedRows, fraction: 1))
        var data = try make(config: config, train: raw, valid: validRaw, layout: fixedLayout)
        data.validDescription = validDescription
        return data
    }

    /// Fits the layout on `train` (unless one is given) and encodes both sets.
    public static func make(config: RunConfig, train raw: RawDataset, valid validRaw: RawDataset,
                            layout fixedLayout: FeatureLayout? = nil) throws -> RunData {
        let layout = try fixedLayout ?? FeatureLayout.fit(config: config, training: raw)
        let encoder = FeatureEncoder(layout: layout)
        let deep = config.model.mode.hasDeep
        return RunData(layout: layout, train: encoder.encode(raw, nameFeatures: true, threads: config.train.threads, deepInputs: deep),
                       valid: encoder.encode(validRaw, threads: config.train.threads, deepInputs: deep),
                       validDescription: "validation rows", trainSkipped: raw.skippedRows,
                       validSkipped: validRaw.skippedRows, errors: raw.errors + validRaw.errors)
    }
}

extension RawDataset {
    /// Splits into rows [0, at) and [at, count); bookkeeping (skipped rows, errors) stays with
    /// the first part.
    public func split(at index: Int) -> (RawDataset, RawDataset) {
        var head = RawDataset(schema: schema), tail = RawDataset(schema: schema)
        let singles = schema.categorical.count, numerics = schema.numeric.count
        head.count = index
        tail.count = count - index
        head.labels = Array(labels[..<index])
        tail.labels = Array(labels[index...])
        head.categorical = Array(categorical[..<(index * singles)])
        tail.categorical = Array(categorical[(index * singles)...])
        head.numeric = Array(numeric[..<(index * numerics)])
        tail.numeric = Array(numeric[(index * numerics)...])
        for m in multiValuedOffsets.indices {
            let offsets = multiValuedOffsets[m]
            let cut = Int(offsets[index])
            head.multiValuedOffsets[m] = Array(offsets[...index])
            head.multiValuedHashes[m] = Array(multiValuedHashes[m][..<cut])
            tail.multiValuedOffsets[m] = offsets[index...].map { $0 - Int32(cut) }
            tail.multiValuedHashes[m] = Array(multiValuedHashes[m][cut...])
        }
        head.readableValues = readableValues
        head.skippedRows = skippedRows
        head.errors = errors
        head.linesRead = linesRead
        return (head, tail)
    }
}
