import Foundation

// A streamed run (`wdl train --stream`), read in one place: how it reads its file
// (`StreamOptions`), what it knows of the file before training (`TrainingStreamPlan`, made by
// `RunData.loadStreaming`'s fitting pass), and what its passes find (`StreamedTraining`).

/// How a streamed run reads its training file (`wdl train --stream`): one pass over the file per
/// epoch through a bounded queue, never the whole file in memory.
public struct StreamOptions: Sendable, Equatable {
    /// Rows of the seeded shuffle buffer (`--shuffle-buffer`); 0 trains in file order.
    public var shuffleBuffer = 0
    /// The feature layout (numeric statistics, quantile buckets, embedding table sizes) is fitted
    /// on the first this many training rows (`--fit-rows`).
    public var fitRows = 1_000_000
    /// Bytes read and parsed at a time; each block is cut into `threads` encoded chunks
    /// (16 MiB ≈ 64k Criteo rows).
    public var blockBytes = 16 << 20
    /// Encoded chunks the reader may have ready ahead of the training loop.
    public var queueCapacity = 4

    public init(shuffleBuffer: Int = 0, fitRows: Int = 1_000_000) {
        self.shuffleBuffer = shuffleBuffer
        self.fitRows = fitRows
    }

    /// Largest accepted shuffle buffer (about 4.5 GB of Criteo rows).
    public static let maxShuffleBuffer = 10_000_000
    /// Largest accepted `--fit-rows` (the fitted rows are held in memory).
    public static let maxFitRows = 100_000_000
}

/// What a streamed run knows of its training file before training: where it is, how to read it,
/// and what the fitting pass over its first rows found.
public struct TrainingStreamPlan: Sendable {
    public var path: String
    public var schema: DataSchema
    public var options: StreamOptions
    public var strict: Bool
    /// Training rows in the file: counted when the fitting pass reached the end of the file,
    /// otherwise estimated from its size and the bytes per row of the rows read.
    public var rows: Int
    public var rowsAreEstimate: Bool
    /// Rows the feature layout was fitted on (the file's first rows); 0 when a resumed run's
    /// checkpoint supplied the layout.
    public var fittedRows: Int
    public var fileBytes: Int
    /// In a data-parallel job: the part of the file this rank reads (nil: all of it).
    public var shard: StreamShard?
    /// Negatives sampled while reading (`data.sample_negatives`): the kept fraction and the seed.
    public var negativeSampling: (rate: Double, seed: UInt64)? = nil
    /// Standard input (`--train -`): what the fitting pass read, for the one training pass.
    var piped: PipedInput?

    /// One line for the event log: what was fitted on what, and how the row count is known.
    public var description: String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let fitted: String
        if fittedRows == 0 {
            fitted = "feature layout from the checkpoint"
        } else if rowsAreEstimate {
            fitted = "features fitted on its first \(fittedRows.withThousands) rows (--fit-rows)"
        } else {
            fitted = "features fitted on all its \(fittedRows.withThousands) rows"
        }
        let count = rowsAreEstimate ? "~\(rows.withThousands) rows (estimated from the file size)" : "\(rows.withThousands) rows"
        let order = options.shuffleBuffer > 0 ? "shuffle buffer of \(options.shuffleBuffer.withThousands) rows" : "file order"
        return "streaming \(name): \(count), \(fitted), \(order)"
    }
}

extension Int {
    /// 1234567 → "1,234,567" (the same on every locale).
    var withThousands: String {
        let digits = String(magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}

/// A streamed run's training file across its epochs (`SessionOptions.stream`): makes each
/// epoch's `StreamedEpoch` and keeps what the passes have found — the row count once a whole pass is made, and the malformed rows
/// of the first pass (later passes read the same rows, so they are counted once).
struct StreamedTraining {
    let plan: TrainingStreamPlan
    /// A whole pass has been made: the row count and the malformed rows are known exactly.
    private(set) var firstPassDone = false
    /// Rows trained in the current pass.
    private var rows = 0
    /// Malformed training rows found in the first pass, and the first of their errors.
    private(set) var skippedRows = 0
    /// The first three of their errors.
    private(set) var firstErrors: [DataError] = []
    private var firstError: DataError? { firstErrors.first }
    /// How many malformed rows the first pass may find before the run stops (`data.max_skipped`).
    let skipLimit: SkippedRowsLimit

    init(plan: TrainingStreamPlan, skipLimit: SkippedRowsLimit = .default) {
        self.plan = plan
        self.skipLimit = skipLimit
    }

    /// Training rows per pass, and whether that is still an estimate.
    var rowsPerPass: (rows: Int, estimate: Bool) { firstPassDone ? (rows, false) : (plan.rows, plan.rowsAreEstimate) }

    /// This epoch's pass, its shuffle seed drawn from `generator` when the plan has a shuffle buffer.
    mutating func makeEpoch(layout: FeatureLayout, batchSize: Int, threads: Int,
                            generator: inout SeededGenerator, communicator: Communicator?) -> StreamedEpoch {
        rows = 0
        let seed = plan.options.shuffleBuffer > 0 ? generator.next() : nil
        return StreamedEpoch(plan: plan, layout: layout, batchSize: batchSize, threads: threads, shuffleSeed: seed,
                             communicator: communicator)
    }

    /// Counts a trained minibatch and the rows the reader skipped since the last call; returns the
    /// number of newly found malformed rows (first pass only).
    mutating func collect(from epoch: StreamedEpoch, trained: Int) -> Int {
        rows += trained
        let (skipped, errors) = epoch.takeSkipped()
        guard !firstPassDone, skipped > 0 else { return 0 }
        skippedRows += skipped
        firstErrors += errors.prefix(max(0, 3 - firstErrors.count))
        return skipped
    }

    /// At the end of a pass: the first one fixes the row count. Returns what to report, nil after
    /// a later pass.
    mutating func endPass() -> [(kind: RunEvent.Kind, message: String)]? {
        guard !firstPassDone else { return nil }
        firstPassDone = true
        var events: [(kind: RunEvent.Kind, message: String)] = []
        if plan.rowsAreEstimate {
            events.append((.info, "first pass over \(plan.path): \(rows) training rows (estimated ~\(plan.rows))"))
        }
        if let skipped = skippedRowsMessage(partial: false) { events.append((.skippedRows, skipped)) }
        return events
    }

    /// The error that stops the run when the first pass loses more rows than `skipLimit` allows:
    /// during the pass as soon as the count alone is over a count limit, at its end (`passEnded`,
    /// after `endPass`) once the share is known.
    func skippedRowsError(passEnded: Bool) -> DataError? {
        guard skippedRows > 0 else { return nil }
        // Both counts are the job's (a step's examples, the summed skipped rows): every rank decides alike.
        let over = passEnded ? skipLimit.isExceeded(skipped: skippedRows, rows: rows + skippedRows)
            : !firstPassDone && skipLimit.isExceededAlready(skipped: skippedRows)
        guard over else { return nil }
        return DataError(file: plan.path, SkippedRowsLimit.message(skipped: skippedRows, rows: rows + skippedRows, errors: firstErrors,
                                                                   limit: skipLimit, flag: "--max-skipped", soFar: !passEnded))
    }

    /// The malformed rows found by the first pass (`partial`: so far, the pass was stopped).
    func skippedRowsMessage(partial: Bool) -> String? {
        guard !firstPassDone || !partial, skippedRows > 0 else { return nil }
        let first = firstError.map { "; first: \($0)" } ?? ""
        let when = partial ? " so far (the pass was stopped)" : ""
        return "skipped \(skippedRows) malformed rows\(when)\(first)"
    }
}

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
