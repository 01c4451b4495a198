extension RunConfig {
    /// The documented range of every integer value in a run config (docs/config.md lists them):
    /// the config key and the `wdl train` flag that sets it, if any. One table, read by
    /// `validate()` for config files, flags and the config recorded in a checkpoint.
    public struct IntegerRange: Sendable {
        public let key: String
        public let flag: String?
        public let range: ClosedRange<Int>
        let value: @Sendable (RunConfig) -> Int
    }

    /// Upper bounds keep every product the session forms (epochs × rows, buckets × 16 bytes)
    /// far below `Int.max`; the memory estimate then refuses what one machine cannot hold.
    public static let integerRanges: [IntegerRange] = [
        IntegerRange(key: "train.epochs", flag: "--epochs", range: 1...1_000_000) { $0.train.epochs },
        IntegerRange(key: "train.batch_size", flag: "--batch-size", range: 1...65_536) { $0.train.batchSize },
        IntegerRange(key: "train.threads", flag: "--threads", range: 1...256) { $0.train.threads },
        IntegerRange(key: "train.eval_every", flag: "--eval-every", range: 0...(1 << 40)) { $0.train.evalEvery },
        IntegerRange(key: "train.early_stop", flag: "--early-stop", range: 0...1_000_000) { $0.train.earlyStop },
        IntegerRange(key: "model.embedding_dim", flag: "--embedding-dim", range: 1...1024) { $0.model.embeddingDim },
        IntegerRange(key: "features.hash_buckets", flag: "--hash-buckets", range: 1...(1 << 30)) { $0.features.hashBuckets },
        IntegerRange(key: "features.embedding_buckets", flag: nil, range: 1...(1 << 26)) { $0.features.embeddingBuckets },
    ]

    /// Hidden layers: at most this many, each of `hiddenUnits` units.
    public static let maxHiddenLayers = 32
    public static let hiddenUnits = 1...65_536

    /// Checks the values the loader cannot check by type alone; throws a `ConfigError` naming the
    /// key (its `key` set, so a flag's caller can name the flag). Sessions call it before reading
    /// any data, so a bad value is reported at once.
    public func validate() throws {
        for entry in Self.integerRanges {
            let value = entry.value(self)
            guard entry.range.contains(value) else {
                throw ConfigError(key: entry.key, "\(entry.key) must be \(entry.range.lowerBound)…\(entry.range.upperBound), got \(value)")
            }
        }
        guard model.hidden.count <= Self.maxHiddenLayers,
              model.hidden.allSatisfy({ Self.hiddenUnits.contains($0) }) else {
            throw ConfigError(key: "model.hidden", "model.hidden: at most \(Self.maxHiddenLayers) layers of 1…65536 units each, got \(model.hidden)")
        }
        guard train.divergenceFactor == 0 || (train.divergenceFactor > 1 && train.divergenceFactor <= 1e6) else {
            throw ConfigError(key: "train.divergence_factor", "train.divergence_factor must be 0 (off) or in (1, 1e6], got \(train.divergenceFactor)")
        }
        for parameter in Hyperparameter.allCases {
            if let message = parameter.validate(self) { throw ConfigError(key: parameter.configPath, message) }
        }
        try validateOptimizerConstants()
        try validateLabels()
        try validateSampling()
    }

    /// The sampling rates are kept fractions; a weight column needs named columns (CSV).
    private func validateSampling() throws {
        for (key, name, rate) in [("data.negative_sampling", "data.negative_sampling", data.negativeSampling),
                                  ("data.sample_negatives", "data.sample_negatives (--negative-sampling)", data.sampleNegatives)] {
            if let rate, !(rate.isFinite && rate > 0 && rate <= 1) {
                throw ConfigError(key: key, "\(name) is the kept fraction of negatives, in (0, 1], got \(rate)")
            }
        }
        // Both rates multiply; a product below this is no sample (and would underflow towards 0).
        guard negativeSamplingRate >= Self.smallestNegativeSampling else {
            throw ConfigError(key: "data.negative_sampling", "data.negative_sampling × data.sample_negatives keeps \(negativeSamplingRate) of the negatives, below \(Self.smallestNegativeSampling)")
        }
        if data.weight != nil && data.format == .criteo {
            throw ConfigError(key: "data.weight", "data.weight names a CSV column; the criteo format has no weight column")
        }
        if let weight = data.weight, weight == data.label {
            throw ConfigError(key: "data.weight", "data.weight: '\(weight)' is the label column")
        }
    }

    /// The smallest kept fraction of negatives a run accepts.
    public static let smallestNegativeSampling = 1e-9

    /// The kept fraction of negatives of the rows training sees: upstream downsampling times the
    /// sampling while reading; every probability wdl gives out is corrected by it (`Calibration`).
    public var negativeSamplingRate: Double { (data.negativeSampling ?? 1) * (data.sampleNegatives ?? 1) }

    /// The optimizer settings that are not live hyperparameters.
    private func validateOptimizerConstants() throws {
        let checks: [(String, Double, ClosedRange<Double>)] = [
            ("optim.wide.initial_accumulator", optim.wide.initialAccumulator, 0...1e6),
            ("optim.wide.epsilon", optim.wide.epsilon, 1e-12...1),
            ("optim.deep.initial_accumulator", optim.deep.initialAccumulator, 0...1e6),
            ("optim.deep.epsilon", optim.deep.epsilon, 1e-12...1),
            ("optim.deep.beta1", optim.deep.beta1, 0...0.999_999),
            ("optim.deep.beta2", optim.deep.beta2, 0...0.999_999_999),
        ]
        for (key, value, range) in checks where !(value.isFinite && range.contains(value)) {
            throw ConfigError(key: key, "\(key) must be in \(range.lowerBound)…\(range.upperBound), got \(value)")
        }
    }

    /// A run needs positive rows, and a label value cannot mean both.
    private func validateLabels() throws {
        guard !data.positive.isEmpty else {
            throw ConfigError(key: "data.positive", "data.positive lists no value: every row would be read as negative or malformed")
        }
        if let negative = data.negative, let both = data.positive.first(where: negative.contains) {
            throw ConfigError(key: "data.negative", "data.negative: '\(both)' is listed as both positive and negative")
        }
    }
}

extension RunConfig {
    /// The deep part's dropout and L2 as configured.
    public var deepRegularization: DeepRegularization {
        DeepRegularization(dropout: model.dropout, l2: optim.deep.l2, embeddingL2: optim.deep.embeddingL2)
    }
}
