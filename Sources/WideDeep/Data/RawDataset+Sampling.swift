/// Negative downsampling while reading (`data.sample_negatives`, `--negative-sampling`): every
/// positive row is kept, each negative row with probability r, decided by a hash of the seed and
/// the row's index among the file's rows that parse. A row's fate depends on nothing else, so the
/// same file and seed keep the same rows in memory and streamed, whatever the threads or blocks.
extension RawDataset {
    /// The rows kept by sampling negatives at `rate` with `seed`, and how many negatives were
    /// dropped; `firstRow` is the index of this dataset's first row in its file.
    public func samplingNegatives(rate: Double, seed: UInt64, firstRow: Int = 0) -> (sample: RawDataset, dropped: Int) {
        precondition(rate > 0 && rate <= 1)
        guard rate < 1 else { return (self, 0) }
        var kept: [Int] = []
        kept.reserveCapacity(count)
        for r in 0..<count where labels[r] > 0.5 || Self.negativeDraw(seed: seed, row: firstRow + r) < rate {
            kept.append(r)
        }
        return (keeping(kept), count - kept.count)
    }

    /// A uniform draw in [0, 1) for row `row` (a stream of its own: the run's generator, for
    /// shuffling and initialisation, is not advanced).
    static func negativeDraw(seed: UInt64, row: Int) -> Double {
        let mixed = StableHash.fmix64(StableHash.fmix64(seed ^ 0x6e65_6761_7469_7665) &+ UInt64(row))  // "negative"
        return Double(mixed >> 11) * 0x1p-53
    }

    /// The rows `rows` (ascending) as a new dataset; bookkeeping (skipped rows, errors, readable
    /// values) is kept whole.
    func keeping(_ rows: [Int]) -> RawDataset {
        var out = RawDataset(schema: schema)
        let singles = schema.categorical.count, numerics = schema.numeric.count
        out.count = rows.count
        out.labels = rows.map { labels[$0] }
        if !weights.isEmpty { out.weights = rows.map { weights[$0] } }
        out.categorical.reserveCapacity(rows.count * singles)
        out.numeric.reserveCapacity(rows.count * numerics)
        for r in rows {
            out.categorical += categorical[(r * singles)..<((r + 1) * singles)]
            out.numeric += numeric[(r * numerics)..<((r + 1) * numerics)]
        }
        for m in multiValuedOffsets.indices {
            for r in rows {
                out.multiValuedHashes[m] += multiValues(field: m, row: r)
                out.multiValuedOffsets[m].append(Int32(out.multiValuedHashes[m].count))
            }
        }
        out.readableValues = readableValues
        out.skippedRows = skippedRows
        out.errors = errors
        out.linesRead = linesRead
        out.dataRows = dataRows
        out.zeroWeightRows = zeroWeightRows
        return out
    }
}
