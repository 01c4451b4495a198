extension RawDataset {
    /// Splits the rows by their `holdoutKeys`: rows at or after the time `share` of the way from
    /// the latest back are held out (all rows of that time go together, so the held-out part may
    /// be a little larger than `share`). Rows keep their order within each part; bookkeeping
    /// (skipped rows, errors, readable values) stays with the first. Nil when the keys cannot
    /// separate anything (one time only).
    public func splitByTime(share: Double) -> (kept: RawDataset, heldOut: RawDataset, from: Double)? {
        precondition(holdoutKeys.count == count, "holdout keys were not read")
        guard count > 1 else { return nil }
        let sorted = holdoutKeys.sorted()
        let first = min(count - 1, count - Int(Double(count) * share))
        let cut = sorted[max(1, first)]
        guard cut > sorted[0] else { return nil }
        let isHeldOut = holdoutKeys.map { $0 >= cut }
        var kept = selecting { !isHeldOut[$0] }
        let heldOut = selecting { isHeldOut[$0] }
        kept.readableValues = readableValues
        kept.skippedRows = skippedRows
        kept.errors = errors
        kept.linesRead = linesRead
        return (kept, heldOut, cut)
    }

    /// The rows `row` accepts, in order (no bookkeeping).
    func selecting(_ accepts: (Int) -> Bool) -> RawDataset {
        var out = RawDataset(schema: schema)
        let singles = schema.categorical.count, numerics = schema.numeric.count
        for row in 0..<count where accepts(row) {
            out.labels.append(labels[row])
            out.categorical += categorical[(row * singles)..<((row + 1) * singles)]
            out.numeric += numeric[(row * numerics)..<((row + 1) * numerics)]
            for m in multiValuedOffsets.indices {
                out.multiValuedHashes[m] += multiValues(field: m, row: row)
                out.multiValuedOffsets[m].append(Int32(out.multiValuedHashes[m].count))
            }
            if !holdoutKeys.isEmpty { out.holdoutKeys.append(holdoutKeys[row]) }
            out.count += 1
        }
        return out
    }
}
