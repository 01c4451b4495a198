extension RunConfig {
    /// Hidden layers: at most this many, each of `hiddenUnits` units.
    public static let maxHiddenLayers = 32
    public static let hiddenUnits = 1...65_536

    /// Checks the values the loader cannot check by type alone: each key's range (`ConfigSchema`),
    /// then the rules across keys; throws a `ConfigError` naming the key (its `key` set, so a
    /// flag's caller can name the flag). Sessions call it before reading any data, so a bad value
    /// is reported at once.
    public func validate() throws {
        for key in ConfigSchema.keys {
            if let message = key.problem(in: self, naming: key.path) { throw ConfigError(key: key.path, message) }
        }
        try validateLabels()
        try validateSampling()
    }

    /// Both sampling rates together keep some negatives; a weight column needs named columns (CSV).
    private func validateSampling() throws {
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
