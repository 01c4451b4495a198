import Foundation

/// Copying rows between encoded datasets of one feature layout: minibatches that straddle two
/// streamed chunks, and the shuffle buffer's store.
extension EncodedDataset {
    /// No rows, with the shape (fields, numerics) of `other`.
    init(emptyLike other: EncodedDataset) {
        self.init(count: 0, labels: [], wideOffsets: [0], wideIds: [], wideGroups: [], embeddingRows: [],
                  singleFields: other.singleFields, multiOffsets: other.multiOffsets.map { _ in [0] },
                  multiRows: other.multiRows.map { _ in [] }, numeric: [], numericCount: other.numericCount,
                  wideNames: [:])
    }

    /// Room for `rows` more rows of about the size of `other`'s (saves regrowing the arrays).
    mutating func reserveCapacity(rows: Int, like other: EncodedDataset) {
        let perRow = other.count > 0 ? Double(other.wideIds.count) / Double(other.count) : 0
        labels.reserveCapacity(count + rows)
        wideOffsets.reserveCapacity(count + rows + 1)
        wideIds.reserveCapacity(wideIds.count + Int(perRow * Double(rows) * 1.05))
        wideGroups.reserveCapacity(wideIds.count + Int(perRow * Double(rows) * 1.05))
        embeddingRows.reserveCapacity((count + rows) * singleFields)
        numeric.reserveCapacity((count + rows) * numericCount)
    }

    /// Appends rows `range` of `other` (same layout), in order.
    mutating func append(rowsOf other: EncodedDataset, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        let lo = range.lowerBound, hi = range.upperBound
        labels.append(contentsOf: other.labels[lo..<hi])
        if !other.weights.isEmpty { weights.append(contentsOf: other.weights[lo..<hi]) }
        let first = Int(other.wideOffsets[lo]), last = Int(other.wideOffsets[hi])
        let shift = Int32(wideIds.count) - Int32(first)
        for r in lo..<hi { wideOffsets.append(other.wideOffsets[r + 1] + shift) }
        wideIds.append(contentsOf: other.wideIds[first..<last])
        wideGroups.append(contentsOf: other.wideGroups[first..<last])
        embeddingRows.append(contentsOf: other.embeddingRows[(lo * singleFields)..<(hi * singleFields)])
        for m in multiOffsets.indices {
            let offsets = other.multiOffsets[m]
            let a = Int(offsets[lo]), b = Int(offsets[hi])
            let shift = Int32(multiRows[m].count) - Int32(a)
            for r in lo..<hi { multiOffsets[m].append(offsets[r + 1] + shift) }
            multiRows[m].append(contentsOf: other.multiRows[m][a..<b])
        }
        numeric.append(contentsOf: other.numeric[(lo * numericCount)..<(hi * numericCount)])
        count += hi - lo
    }

    /// The rows `rows` of this dataset, in that order, as a new dataset.
    func gathering(_ rows: some Collection<Int32>) -> EncodedDataset {
        var out = EncodedDataset(emptyLike: self)
        out.reserveCapacity(rows: rows.count, like: self)
        for r in rows { out.append(rowsOf: self, Int(r)..<Int(r) + 1) }
        return out
    }

    /// The given row ranges of the given datasets, one after another, as a new dataset.
    init(concatenating parts: [(data: EncodedDataset, rows: Range<Int>)]) {
        precondition(!parts.isEmpty, "nothing to concatenate")
        self.init(emptyLike: parts[0].data)
        reserveCapacity(rows: parts.reduce(0) { $0 + $1.rows.count }, like: parts[0].data)
        for part in parts { append(rowsOf: part.data, part.rows) }
    }
}

extension EncodedDataset {
    /// Keeps only the rows `kept` (ascending, distinct), moved down in place so that no second
    /// copy of the data exists; returns each old row's new index (-1 for a dropped row).
    mutating func keepRows(_ kept: [Int32]) -> [Int32] {
        var remap = [Int32](repeating: -1, count: count)
        for (w, r) in kept.enumerated() { remap[Int(r)] = Int32(w) }
        Self.keepFixed(&labels, width: 1, kept)
        if !weights.isEmpty { Self.keepFixed(&weights, width: 1, kept) }
        Self.keepFixed(&embeddingRows, width: singleFields, kept)
        Self.keepFixed(&numeric, width: numericCount, kept)
        Self.keepSpans(&wideIds, offsets: wideOffsets, kept)
        Self.keepSpans(&wideGroups, offsets: wideOffsets, kept)
        wideOffsets = Self.keptOffsets(wideOffsets, kept)
        for m in multiOffsets.indices {
            Self.keepSpans(&multiRows[m], offsets: multiOffsets[m], kept)
            multiOffsets[m] = Self.keptOffsets(multiOffsets[m], kept)
        }
        count = kept.count
        return remap
    }

    /// Moves row r's `width` values to row w's place for each kept row (w ≤ r), then truncates.
    private static func keepFixed<T>(_ values: inout [T], width: Int, _ kept: [Int32]) {
        guard width > 0 else { return }
        values.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            for (w, r) in kept.enumerated() where w != Int(r) {
                memmove(base + w * width, base + Int(r) * width, width * MemoryLayout<T>.stride)
            }
        }
        values.removeSubrange((kept.count * width)...)
    }

    /// The same for CSR values: each kept row's span moves down to follow the previous one.
    private static func keepSpans<T>(_ values: inout [T], offsets: [Int32], _ kept: [Int32]) {
        var write = 0
        values.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            for r in kept {
                let a = Int(offsets[Int(r)]), b = Int(offsets[Int(r) + 1])
                if write != a { memmove(base + write, base + a, (b - a) * MemoryLayout<T>.stride) }
                write += b - a
            }
        }
        values.removeSubrange(write...)
    }

    private static func keptOffsets(_ offsets: [Int32], _ kept: [Int32]) -> [Int32] {
        var out: [Int32] = [0]
        out.reserveCapacity(kept.count + 1)
        for r in kept { out.append(out[out.count - 1] + offsets[Int(r) + 1] - offsets[Int(r)]) }
        return out
    }
}
