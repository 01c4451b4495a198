/// Negative downsampling while reading (`data.sample_negatives`, `--negative-sampling`): every
/// positive row is kept, each negative row with probability r, decided by a seeded generator
/// walked in row order (so the same file and seed keep the same rows, whatever the thread count).
extension RawDataset {
    /// The rows kept by sampling negatives at `rate` with `seed`, and how many negatives were dropped.
    public func samplingNegatives(rate: Double, seed: UInt64) -> (sample: RawDataset, dropped: Int) {
        precondition(rate > 0 && rate <= 1)
        guard rate < 1 else { return (self, 0) }
        // A stream of its own: the run's generator (shuffling, initialisation) is not advanced.
        var generator = SeededGenerator(seed: seed ^ 0x6e65_6761_7469_7665)  // "negative"
        var kept: [Int] = []
        kept.reserveCapacity(count)
        for r in 0..<count {
            // One draw per row, positive or not, so a row's fate depends only on its index.
            let u = Double(generator.next() >> 11) * 0x1p-53
            if labels[r] > 0.5 || u < rate { kept.append(r) }
        }
        return (keeping(kept), count - kept.count)
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
