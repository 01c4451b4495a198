/// Rows turned into model inputs by a `FeatureLayout`: hashed wide ids, embedding rows and
/// standardized numerics. Training and validation both read these; nothing here depends on the
/// model's weights.
public struct EncodedDataset: Sendable {
    public var count: Int
    public var labels: [Float]
    /// CSR: the wide ids of row r are `wideIds[wideOffsets[r] ..< wideOffsets[r + 1]]`.
    public var wideOffsets: [Int32]
    public var wideIds: [UInt32]
    /// Wide feature group of each id in `wideIds` (same length).
    public var wideGroups: [UInt16]
    /// `count × singleFields` embedding row indices, row-major.
    public var embeddingRows: [Int32]
    public var singleFields: Int
    /// Per multi-valued field: CSR offsets and embedding rows.
    public var multiOffsets: [[Int32]]
    public var multiRows: [[Int32]]
    /// `count × numericCount` standardized values, row-major.
    public var numeric: [Float]
    public var numericCount: Int
    /// Readable names of wide ids seen in the first training rows (for `inspect`), at most a few
    /// hundred thousand.
    public var wideNames: [UInt32: String]
    /// One sample weight per row when the data has a weight column; empty when every row weighs 1
    /// (so an unweighted run's arithmetic is exactly what it was before weights existed).
    public var weights: [Float] = []

    public var positives: Int { labels.reduce(0) { $0 + ($1 > 0.5 ? 1 : 0) } }
}
