import Foundation

extension RunData {
    /// Rows at the start of a streamed file whose values name wide ids in checkpoints.
    static let streamedNamedRows = 100_000

    /// Prepares a streamed run (`wdl train --stream`). The feature layout — numeric means and
    /// deviations, quantile bucket boundaries, embedding table sizes — is fitted on the training
    /// file's first `options.fitRows` rows (unless `fixedLayout`, a resumed run's, is given); the
    /// row count comes from the same pass when it reaches the end of the file, otherwise it is
    /// estimated from the file's size. The validation file is read and encoded in memory as usual.
    /// The returned `train` holds no rows, only the readable names of the first rows' wide ids.
    public static func loadStreaming(config: RunConfig, options: StreamOptions, threads: Int,
                                     layout fixedLayout: FeatureLayout? = nil,
                                     progress: (@Sendable (Phase, LoadingProgress) -> Void)? = nil) throws
        -> (data: RunData, plan: TrainingStreamPlan) {
        guard let trainPath = config.data.train else {
            throw ConfigError("no training data: set data.train in the config or pass --train")
        }
        guard let validPath = config.data.valid else {
            throw ConfigError("--stream needs a validation file (data.valid or --valid PATH): a streamed training file keeps no held-out rows in memory")
        }
        try validate(options)
        let piped = InputParts.isStandardInput(trainPath)
        if piped && config.train.epochs != 1 {
            throw ConfigError("--train - with --stream reads standard input once, and a pipe cannot be read again for a second epoch: pass --epochs 1 (it is \(config.train.epochs)), or drop --stream to hold the rows in memory for several epochs")
        }
        let schema = try DataSchema(config: config, resuming: fixedLayout)
        let reader = try StreamingReader(path: trainPath, schema: schema, strict: config.train.strict,
                                         threads: threads, blockBytes: options.blockBytes)
        reader.readableRows = streamedNamedRows
        let wanted = fixedLayout == nil ? options.fitRows : min(options.fitRows, streamedNamedRows)
        var sample = RawDataset(schema: schema)
        while sample.count < wanted, let pieces = try reader.next() {
            if sample.count == 0 {
                let perBlock = pieces.reduce(0) { $0 + $1.count }
                sample.reserve(rows: min(wanted + perBlock, estimateRows(reader) + perBlock))
            }
            for piece in pieces { sample.append(piece) }
            let fraction = max(Double(sample.count) / Double(wanted), Double(reader.fileBytesRead) / Double(max(1, reader.fileBytes)))
            progress?(.readingTrain, LoadingProgress(file: trainPath, rowsRead: sample.count,
                                                     rowsSkipped: reader.skippedRows, fraction: min(1, fraction)))
        }
        let counted = reader.finished
        var rows = counted ? reader.rows : estimateRows(reader)
        let sampling = config.data.sampleNegatives.map { (rate: $0, seed: config.train.seed) }
        if let sampling {
            // The rows a pass trains on: exact when the whole file was read, else the estimate
            // scaled by the share the sampling kept of the rows read.
            let kept = sample.samplingNegatives(rate: sampling.rate, seed: sampling.seed).sample.count
            rows = counted && sample.count == reader.rows ? kept : Int((Double(rows) * Double(kept) / Double(max(1, sample.count))).rounded())
        }
        // A pipe's rows are trained from this sample (it cannot be read again); fit on a copy.
        let pipedRows = piped ? sample : nil
        sample.keepFirst(wanted)
        if let sampling { sample = sample.samplingNegatives(rate: sampling.rate, seed: sampling.seed).sample }
        progress?(.encoding, LoadingProgress(file: trainPath, rowsRead: sample.count, rowsSkipped: reader.skippedRows, fraction: 1))
        let layout = try fixedLayout ?? FeatureLayout.fit(config: config, training: sample)
        let encoder = FeatureEncoder(layout: layout)
        var train = encoder.encode(RawDataset(schema: schema))
        train.wideNames = encoder.encode(sample.prefix(streamedNamedRows), nameFeatures: true, threads: threads).wideNames
        let fittedRows = fixedLayout == nil ? sample.count : 0
        sample = RawDataset(schema: schema)  // released before the validation file is read

        var validReader = DatasetReader(schema: schema, strict: config.train.strict, threads: threads)
        validReader.readableRows = 0
        let validRaw = try validReader.read(path: validPath) { rows, skipped, fraction in
            progress?(.readingValid, LoadingProgress(file: validPath, rowsRead: rows, rowsSkipped: skipped, fraction: fraction))
        }
        try config.data.maxSkipped.check(skipped: validRaw.skippedRows, rows: validRaw.dataRows, errors: validRaw.errors, file: validPath)
        var data = RunData(layout: layout, train: train, valid: encoder.encode(validRaw, threads: threads), validDescription: validPath,
                           trainSkipped: 0, validSkipped: validRaw.skippedRows, errors: validRaw.errors)
        try data.loadTest(config: config, reader: validReader)
        var plan = TrainingStreamPlan(path: trainPath, schema: schema, options: options, strict: config.train.strict,
                                      rows: rows, rowsAreEstimate: !counted, fittedRows: fittedRows,
                                      fileBytes: reader.fileBytes)
        plan.negativeSampling = sampling
        if let pipedRows { plan.piped = PipedInput(reader: reader, rows: pipedRows) }
        return (data, plan)
    }

    private static func validate(_ options: StreamOptions) throws {
        guard (1...StreamOptions.maxFitRows).contains(options.fitRows) else {
            throw ConfigError("--fit-rows must be 1…\(StreamOptions.maxFitRows), got \(options.fitRows)")
        }
        guard options.shuffleBuffer >= 0 && options.shuffleBuffer <= StreamOptions.maxShuffleBuffer else {
            throw ConfigError("--shuffle-buffer must be 0…\(StreamOptions.maxShuffleBuffer) rows, got \(options.shuffleBuffer)")
        }
        guard options.blockBytes >= 1, options.queueCapacity >= 1 else {
            throw ConfigError("stream blocks and queue need a positive size")
        }
    }

    /// Rows in the whole set at the rows per file byte of what has been read (compressed bytes,
    /// for archives; the rows read so far when the size is unknown, as for standard input).
    private static func estimateRows(_ reader: StreamingReader) -> Int {
        let read = reader.fileBytesRead
        guard read > 0, reader.fileBytes > 0 else { return reader.rows }
        let perByte = Double(reader.rows) / Double(read)
        return max(reader.rows, Int((perByte * Double(reader.fileBytes)).rounded()))
    }
}

extension RawDataset {
    /// Room for `rows` rows in the columns that grow with every row.
    fileprivate mutating func reserve(rows: Int) {
        labels.reserveCapacity(rows)
        categorical.reserveCapacity(rows * schema.categorical.count)
        numeric.reserveCapacity(rows * schema.numeric.count)
    }

    /// Drops the rows after the first `n`, in place (bookkeeping stays).
    fileprivate mutating func keepFirst(_ n: Int) {
        guard n < count else { return }
        labels.removeSubrange(n...)
        categorical.removeSubrange((n * schema.categorical.count)...)
        numeric.removeSubrange((n * schema.numeric.count)...)
        if !weights.isEmpty { weights.removeSubrange(n...) }
        for m in multiValuedOffsets.indices {
            multiValuedHashes[m].removeSubrange(Int(multiValuedOffsets[m][n])...)
            multiValuedOffsets[m].removeSubrange((n + 1)...)
        }
        count = n
    }

    /// A copy of the first `n` rows (with the remembered readable values).
    fileprivate func prefix(_ n: Int) -> RawDataset {
        var head = RawDataset(schema: schema)
        let k = Swift.min(n, count)
        head.count = k
        head.labels = Array(labels[..<k])
        head.categorical = Array(categorical[..<(k * schema.categorical.count)])
        head.numeric = Array(numeric[..<(k * schema.numeric.count)])
        if !weights.isEmpty { head.weights = Array(weights[..<k]) }
        for m in multiValuedOffsets.indices {
            head.multiValuedOffsets[m] = Array(multiValuedOffsets[m][...k])
            head.multiValuedHashes[m] = Array(multiValuedHashes[m][..<Int(multiValuedOffsets[m][k])])
        }
        head.readableValues = readableValues
        return head
    }
}
