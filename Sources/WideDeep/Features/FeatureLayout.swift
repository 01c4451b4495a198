import Foundation

/// Every feature the model sees and how it is computed from a row, fitted on the training data:
/// numeric transforms, bucket boundaries, crosses, the hashed wide space and the embedding
/// tables' sizes. It belongs to the model: validation and prediction encode with the same layout.
public struct FeatureLayout: Sendable, Equatable, Codable {
    public var schema: DataSchema
    /// One per `schema.numeric`, the deep part's dense inputs.
    public var numeric: [NumericTransform]
    /// Bucketized numerics for the wide part, and the numeric column each reads.
    public var bucketizers: [Bucketizer]
    public var bucketColumns: [Int]
    public var crosses: [Cross]
    /// Size of the hashed wide space.
    public var hashBuckets: Int
    /// Rows of each categorical field's embedding table (`schema.allCategorical` order).
    public var embeddingRows: [Int]
    public var embeddingDim: Int

    /// A cross-product transformation (Cheng et al. 2016, eq. 1): the AND of its components' values.
    public struct Cross: Sendable, Equatable, Codable {
        public var name: String
        public var components: [Component]
    }

    public enum Component: Sendable, Equatable, Codable {
        /// Index into `schema.allCategorical`.
        case categorical(Int)
        /// Index into `bucketizers`.
        case bucket(Int)
    }

    /// Names of the wide feature groups, in group-id order: categorical fields, bucketized
    /// numerics, crosses.
    public var wideGroupNames: [String] {
        schema.allCategorical + bucketizers.map { "\($0.name) buckets" } + crosses.map(\.name)
    }

    /// Width of the deep part's input: one embedding per categorical field, then the numerics.
    public var deepInputWidth: Int { schema.allCategorical.count * embeddingDim + numeric.count }

    /// Fits the layout of `config` on the training rows. A run without a deep part fits only the
    /// wide part's settings: its numeric transforms are left unfitted (mean 0, deviation 1) and
    /// each field's embedding rows at the `embedding_buckets` budget, since nothing reads them
    /// (a deep warm start needs a checkpoint with a deep part); counting the fields' distinct
    /// values and the numerics' logarithms took about a tenth of a 1M-row wide-only command.
    public static func fit(config: RunConfig, training: RawDataset) throws -> FeatureLayout {
        let schema = training.schema
        let features = config.features
        guard features.hashBuckets >= 1, features.hashBuckets <= 1 << 30 else {
            throw ConfigError("features.hash_buckets must be between 1 and 2^30, got \(features.hashBuckets)")
        }
        guard features.embeddingBuckets >= 1, features.embeddingBuckets <= 1 << 26 else {
            throw ConfigError("features.embedding_buckets must be between 1 and 2^26, got \(features.embeddingBuckets)")
        }
        let logColumns = schema.format == .criteo ? Set(schema.numeric) : Set(features.log)
        for name in features.log where !schema.numeric.contains(name) {
            throw ConfigError("features.log: '\(name)' is not a numeric column (numeric: \(schema.numeric.joined(separator: ", ")))")
        }
        // Columns and fields are fitted independently, so on `train.threads` threads at once.
        let threads = config.train.threads
        let stride = max(1, schema.numeric.count)
        let deep = config.model.mode.hasDeep
        let numeric = (0..<schema.numeric.count).concurrentMap(threads: deep ? threads : 1) { i in
            let name = schema.numeric[i], logarithm = logColumns.contains(name)
            guard deep else { return NumericTransform(name: name, logarithm: logarithm, mean: 0, deviation: 1) }
            return NumericTransform.fit(name: name, logarithm: logarithm, values: training.numeric, column: i, stride: stride)
        }
        let plan = try bucketPlan(features, schema: schema)
        let bucketNames = plan.map(\.name), bucketColumns = plan.map(\.column)
        let bucketizers = (0..<bucketNames.count).concurrentMap(threads: threads) { b in
            switch features.buckets[bucketNames[b]]! {
            case .boundaries(let list): Bucketizer(name: bucketNames[b], boundaries: list)
            case .quantiles(let n):
                Bucketizer.fitQuantiles(name: bucketNames[b], buckets: n, values: training.numeric,
                                        column: bucketColumns[b], stride: stride)
            }
        }
        let crosses = try resolveCrosses(features.crosses, schema: schema, bucketNames: bucketNames)
        let embeddingRows = deep ? (0..<schema.allCategorical.count).concurrentMap(threads: threads) { f in
            let distinct = Self.estimateDistinct(training, field: f)
            return Self.embeddingRows(distinct: distinct, budget: features.embeddingBuckets)
        } : [Int](repeating: features.embeddingBuckets, count: schema.allCategorical.count)
        return FeatureLayout(schema: schema, numeric: numeric, bucketizers: bucketizers, bucketColumns: bucketColumns,
                             crosses: crosses, hashBuckets: features.hashBuckets, embeddingRows: embeddingRows,
                             embeddingDim: config.model.embeddingDim)
    }

    /// The bucketized columns of `features` in fitting's order (the numeric columns' order), each
    /// with the numeric column it reads.
    static func bucketPlan(_ features: FeatureConfig, schema: DataSchema) throws -> [(name: String, column: Int)] {
        let names = features.buckets.keys.sorted(by: { a, b in
            (schema.numeric.firstIndex(of: a) ?? .max, a) < (schema.numeric.firstIndex(of: b) ?? .max, b)
        })
        return try names.map { name in
            guard let column = schema.numeric.firstIndex(of: name) else {
                throw ConfigError("features.buckets: '\(name)' is not a numeric column (numeric: \(schema.numeric.joined(separator: ", ")))")
            }
            return (name, column)
        }
    }

    /// The crosses of `groups` (the config's `features.crosses`) over the schema's categorical
    /// fields and the bucketized columns `bucketNames`.
    static func resolveCrosses(_ groups: [[String]], schema: DataSchema, bucketNames: [String]) throws -> [Cross] {
        try groups.map { group -> Cross in
            guard group.count >= 2 else {
                throw ConfigError("features.crosses: a cross needs two or more fields, got [\(group.joined(separator: ", "))]")
            }
            let components = try group.map { name -> Component in
                if let i = schema.allCategorical.firstIndex(of: name) { return .categorical(i) }
                if let i = bucketNames.firstIndex(of: name) { return .bucket(i) }
                if schema.numeric.contains(name) {
                    throw ConfigError("features.crosses: numeric column '\(name)' must be bucketized (features.buckets) to be crossed")
                }
                let usable = schema.allCategorical + bucketNames
                let suggestion = NameSuggestion.closest(to: name, in: usable).map { " (did you mean '\($0)'?)" } ?? ""
                throw ConfigError("features.crosses (or --cross): '\(name)' is not a categorical or bucketized column"
                                  + "\(suggestion); the columns that can be crossed are: \(usable.joined(separator: ", "))")
            }
            return Cross(name: group.joined(separator: " x "), components: components)
        }
    }

    /// Hash rows for a field with `distinct` values in training: 32 rows per value (rounded up to a
    /// power of two, at least 64) keeps collisions between a field's values rare; capped by the
    /// configured budget, where hashing shares rows as any hashed embedding does.
    static func embeddingRows(distinct: Int, budget: Int) -> Int {
        var rows = 64
        while rows < distinct * 32 && rows < budget { rows *= 2 }
        return min(rows, budget)
    }

    /// Distinct values of a field by linear counting (Whang et al. 1990) over 2^22 bits of the
    /// value hashes: a pass with no hash table, within a few percent up to millions of values.
    static func estimateDistinct(_ data: RawDataset, field: Int) -> Int {
        let bits = 1 << 22
        var bitmap = [UInt64](repeating: 0, count: bits / 64)
        func mark(_ h: UInt64) {
            let b = Int(h & UInt64(bits - 1))
            bitmap[b >> 6] |= 1 << UInt64(b & 63)
        }
        let singles = data.schema.categorical.count
        if field < singles {
            var i = field
            while i < data.categorical.count { mark(data.categorical[i]); i += singles }
        } else {
            for h in data.multiValuedHashes[field - singles] { mark(h) }
        }
        let set = bitmap.reduce(0) { $0 + $1.nonzeroBitCount }
        let zeroFraction = Double(bits - set) / Double(bits)
        guard zeroFraction > 0 else { return bits * 8 }
        return Int((-Double(bits) * log(zeroFraction)).rounded())
    }
}
