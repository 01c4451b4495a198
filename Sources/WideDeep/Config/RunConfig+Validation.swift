extension RunConfig {
    /// Checks the values the loader cannot check by type alone; throws a `ConfigError` naming the
    /// key. Sessions call it before reading any data, so a bad value is reported at once.
    public func validate() throws {
        guard train.epochs >= 1 else { throw ConfigError("train.epochs must be at least 1, got \(train.epochs)") }
        guard train.batchSize >= 1 && train.batchSize <= 65_536 else {
            throw ConfigError("train.batch_size must be 1…65536, got \(train.batchSize)")
        }
        guard train.threads >= 1 && train.threads <= 256 else {
            throw ConfigError("train.threads must be 1…256, got \(train.threads)")
        }
        guard train.evalEvery >= 0 else { throw ConfigError("train.eval_every must be 0 or more, got \(train.evalEvery)") }
        guard model.embeddingDim >= 1 && model.embeddingDim <= 1024 else {
            throw ConfigError("model.embedding_dim must be 1…1024, got \(model.embeddingDim)")
        }
        guard model.hidden.allSatisfy({ $0 >= 1 && $0 <= 65_536 }) else {
            throw ConfigError("model.hidden: every layer needs 1…65536 units, got \(model.hidden)")
        }
        guard train.earlyStop >= 0 else { throw ConfigError("train.early_stop must be 0 (off) or more, got \(train.earlyStop)") }
        guard train.divergenceFactor == 0 || (train.divergenceFactor > 1 && train.divergenceFactor.isFinite) else {
            throw ConfigError("train.divergence_factor must be 0 (off) or above 1, got \(train.divergenceFactor)")
        }
        for parameter in Hyperparameter.allCases {
            if let message = parameter.validate(self) { throw ConfigError(message) }
        }
    }
}

extension RunConfig {
    /// The deep part's dropout and L2 as configured.
    public var deepRegularization: DeepRegularization {
        DeepRegularization(dropout: model.dropout, l2: optim.deep.l2, embeddingL2: optim.deep.embeddingL2)
    }
}
