/// Cuts a numeric column into buckets for the wide part, as TensorFlow's `bucketized_column`:
/// boundaries b0 < b1 < … give buckets (−∞, b0), [b0, b1), …, [b_last, ∞); a missing value has a
/// bucket of its own after those.
public struct Bucketizer: Sendable, Equatable, Codable {
    public var name: String
    public var boundaries: [Double]

    public init(name: String, boundaries: [Double]) {
        self.name = name
        self.boundaries = boundaries
    }

    /// Buckets including the one for missing values.
    public var bucketCount: Int { boundaries.count + 2 }
    public var missingBucket: Int { boundaries.count + 1 }

    /// The bucket of a raw value: the number of boundaries ≤ value (binary search).
    @inlinable
    public func bucket(_ raw: Float) -> Int {
        guard !raw.isNaN else { return missingBucket }
        let x = Double(raw)
        var low = 0, high = boundaries.count
        while low < high {
            let mid = (low + high) / 2
            if boundaries[mid] <= x { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Readable range of a bucket, e.g. "[30, 35)".
    public func describe(bucket: Int) -> String {
        if bucket == missingBucket { return "(missing)" }
        func format(_ v: Double) -> String {
            v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
        }
        let low = bucket == 0 ? "-inf" : format(boundaries[bucket - 1])
        let high = bucket == boundaries.count ? "inf" : format(boundaries[bucket])
        return "[\(low), \(high))"
    }

    /// Fits `buckets` quantile buckets on the non-missing values of one column: boundaries at the
    /// k/buckets quantiles (k = 1 … buckets−1) of the sorted values, duplicates dropped.
    public static func fitQuantiles(name: String, buckets: Int, values: [Float], column: Int, stride: Int) -> Bucketizer {
        var column = Swift.stride(from: column, to: values.count, by: stride).compactMap { i -> Float? in
            values[i].isNaN ? nil : values[i]
        }
        var boundaries: [Double] = []
        guard !column.isEmpty else { return Bucketizer(name: name, boundaries: []) }
        // The smallest value, then the value at each k/buckets of the sorted column.
        let ranks = [0] + (1..<max(1, buckets)).map { k in min(column.count - 1, k * column.count / buckets) }
        let picked = OrderStatistics.select(&column, ranks: ranks)
        for value in picked.dropFirst() {
            let v = Double(value)
            if boundaries.last.map({ v > $0 }) ?? true { boundaries.append(v) }
        }
        // A boundary equal to the smallest value leaves bucket 0 empty; drop it.
        if let first = boundaries.first, first <= Double(picked[0]) { boundaries.removeFirst() }
        return Bucketizer(name: name, boundaries: boundaries)
    }
}
