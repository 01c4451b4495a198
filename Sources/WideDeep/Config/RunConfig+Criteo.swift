extension RunConfig {
    /// The run of `--format criteo` without a config: every I and C column; I columns
    /// log-transformed and, for the wide part, cut into 10 quantile buckets; 16-dim embeddings
    /// and a 256 → 128 ReLU tower; crosses come from `--cross` flags.
    public static func criteoDefault() -> RunConfig {
        var config = RunConfig()
        config.name = "criteo"
        config.data.format = .criteo
        config.features.categorical = DataSchema.criteoCategorical
        config.features.numeric = DataSchema.criteoNumeric
        config.features.log = DataSchema.criteoNumeric
        config.features.buckets = Dictionary(uniqueKeysWithValues: DataSchema.criteoNumeric.map { ($0, BucketSpec.quantiles(10)) })
        config.features.hashBuckets = 1 << 22
        config.model.embeddingDim = 16
        config.model.hidden = [256, 128]
        config.train.batchSize = 512
        config.train.epochs = 1
        config.train.evalEvery = 200_000
        return config
    }
}
