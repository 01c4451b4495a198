import CProcessorHints

extension EmbeddingTable {
    /// The job's gradient rows of this table in a data-parallel step: every rank's rows and
    /// gradient rows (`parts`, in rank order) summed per row, each sum starting at zero and adding
    /// the ranks in order, into `stepRows` (the distinct rows in order of first appearance) and
    /// `stepGradients`. The rows of the other ranks are mostly new to this one, so their slot-map
    /// entries are prefetched a few rows ahead (as `sumGradients` does for its examples).
    func mergeGradients(_ parts: [SparseMessage.Field]) {
        let d = dim, ahead = Self.prefetchSlots
        let total = parts.reduce(0) { $0 + $1.count }
        stepRows.removeAll(keepingCapacity: true)
        if stepGradients.count < max(1, total * d) { stepGradients = [Float](repeating: 0, count: max(1, total * d)) }
        let slotOfRow = self.slotOfRow
        var rows = stepRows
        stepRows = []
        stepGradients.withUnsafeMutableBufferPointer { buffer in
            let gradients = buffer.baseAddress!
            for part in parts {
                for j in 0..<part.count {
                    if j + ahead < part.count { wdl_prefetch_write(slotOfRow + Int(part.row(j + ahead))) }
                    let target = Self.gradientRow(of: part.row(j), slotOfRow: slotOfRow, rows: &rows, gradients: gradients, dim: d)
                    let source = part.gradients + 4 * j * d
                    for k in 0..<d { target[k] += source.loadUnaligned(fromByteOffset: 4 * k, as: Float.self) }
                }
            }
        }
        for row in rows { slotOfRow[Int(row)] = -1 }
        stepRows = rows
    }
}
