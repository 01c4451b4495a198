/// Rows as read from a file, before any fitted transform: labels, hashed categorical values and
/// raw numbers. Columnar and row-major within each kind, so encoding walks memory in order.
public struct RawDataset: Sendable {
    public var schema: DataSchema
    public var count: Int = 0
    /// 0 or 1 per row.
    public var labels: [Float] = []
    /// `count × schema.categorical.count` value hashes (`StableHash.value`), row-major.
    public var categorical: [UInt64] = []
    /// Per multi-valued field: CSR offsets (`count + 1`) into its value hashes.
    public var multiValuedOffsets: [[Int32]]
    public var multiValuedHashes: [[UInt64]]
    /// `count × schema.numeric.count` raw values, row-major; NaN means missing (NaN in a file is
    /// refused, so NaN here can only mean an empty field).
    public var numeric: [Float] = []
    /// Rows skipped as malformed, and the first few of their errors in line order.
    public var skippedRows: Int = 0
    public var errors: [DataError] = []
    /// Readable values seen in the first rows, per categorical field (all of them, single first):
    /// hash → text, so a checkpoint can name its strongest features.
    public var readableValues: [[UInt64: String]]
    /// Input file rows that were read (data lines, malformed ones included).
    public var linesRead: Int = 0
    /// Data rows in the file: non-blank lines after the header, malformed ones included.
    public var dataRows: Int = 0
    /// For each row held, its index among the file's data rows (0-based). Filled only by a
    /// reader with `purpose == .prediction`, so that output can keep one line per input row.
    public var dataRowIndices: [Int] = []
    /// The text of the columns a prediction keeps (`DatasetReader.keepColumns`), for every data
    /// row (parsed or not; empty where the row did not split into fields), row-major.
    public var keptValues: [String] = []
    /// Per row, the time column's value as a sortable number (`DatasetReader.holdoutColumn`,
    /// `TimeKey`); empty when no held-out split by time is made.
    public var holdoutKeys: [Double] = []

    public static let maxKeptErrors = 20

    public init(schema: DataSchema) {
        self.schema = schema
        multiValuedOffsets = schema.multiValued.map { _ in [0] }
        multiValuedHashes = schema.multiValued.map { _ in [] }
        readableValues = schema.allCategorical.map { _ in [:] }
    }

    /// Reserves room for the rows of `parts`, so that appending them does not grow the arrays by
    /// doubling (which would hold up to twice the data at the peak of a load).
    mutating func reserveCapacity(joining parts: [RawDataset]) {
        labels.reserveCapacity(parts.reduce(0) { $0 + $1.labels.count })
        categorical.reserveCapacity(parts.reduce(0) { $0 + $1.categorical.count })
        numeric.reserveCapacity(parts.reduce(0) { $0 + $1.numeric.count })
        for f in multiValuedHashes.indices {
            multiValuedHashes[f].reserveCapacity(parts.reduce(0) { $0 + $1.multiValuedHashes[f].count })
            multiValuedOffsets[f].reserveCapacity(parts.reduce(1) { $0 + $1.count })
        }
    }

    /// Appends `other`'s rows after these (chunks of one file, in file order).
    mutating func append(_ other: RawDataset) {
        labels += other.labels
        categorical += other.categorical
        numeric += other.numeric
        for f in multiValuedOffsets.indices {
            let base = Int32(multiValuedHashes[f].count)
            multiValuedOffsets[f] += other.multiValuedOffsets[f].dropFirst().map { $0 + base }
            multiValuedHashes[f] += other.multiValuedHashes[f]
        }
        for f in readableValues.indices {
            readableValues[f].merge(other.readableValues[f]) { first, _ in first }
        }
        dataRowIndices += other.dataRowIndices.map { $0 + dataRows }
        keptValues += other.keptValues
        holdoutKeys += other.holdoutKeys
        dataRows += other.dataRows
        count += other.count
        skippedRows += other.skippedRows
        linesRead += other.linesRead
        errors += other.errors.prefix(max(0, Self.maxKeptErrors - errors.count))
    }

    /// Value hashes of multi-valued field `field` in row `row`.
    public func multiValues(field: Int, row: Int) -> ArraySlice<UInt64> {
        let offsets = multiValuedOffsets[field]
        return multiValuedHashes[field][Int(offsets[row])..<Int(offsets[row + 1])]
    }
}
