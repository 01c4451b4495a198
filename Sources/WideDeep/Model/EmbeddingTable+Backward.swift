import CProcessorHints

/// The embedding table's backward half (its forward half, gathering rows into the deep input, is
/// the model's `gatherInputs`, which reads every field in one pass).
extension EmbeddingTable {
    /// The backward of this table as field `f` of the deep input: scatters each example's slice
    /// of dx0 [B × width] into the rows it used. Returns the distinct rows (`touchedRows`) and
    /// their summed gradients (`gradientBuffer`, a row of `dim` each, in the same order).
    func sumGradients(field f: Int, _ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>, dx0: UnsafePointer<Float>,
                      width: Int, into touchedRows: inout [Int32], _ gradientBuffer: inout [Float]) {
        let d = dim
        let singles = data.singleFields
        // Each distinct row gets a gradient slot on first use (`slotOfRow`), and the
        // examples add into it in batch order: the same sums as sorting by (row, example),
        // without sorting. The slots are cleared again below.
        touchedRows.removeAll(keepingCapacity: true)
        let multi = f - singles
        let uses = f < singles ? rows.count : Int(rows.reduce(0) {
            $0 + Int(data.multiOffsets[multi][Int($1) + 1] - data.multiOffsets[multi][Int($1)])
        })
        if gradientBuffer.count < max(1, uses * d) { gradientBuffer = [Float](repeating: 0, count: max(1, uses * d)) }
        gradientBuffer.withUnsafeMutableBufferPointer { buffer in
            let gradients = buffer.baseAddress!
            let slotOfRow = self.slotOfRow
            func add(row: Int32, source: UnsafePointer<Float>, scale: Float?) {
                let gradient = Self.gradientRow(of: row, slotOfRow: slotOfRow, rows: &touchedRows, gradients: gradients, dim: d)
                if let scale {
                    for k in 0..<d { gradient[k] += source[k] * scale }
                } else {
                    for k in 0..<d { gradient[k] += source[k] }
                }
            }
            data.embeddingRows.withUnsafeBufferPointer { embeddingRows in
                for (b, r) in rows.enumerated() {
                    let source = dx0 + b * width + f * d
                    if f < singles {
                        if b + Self.prefetchSlots < rows.count {
                            wdl_prefetch_write(slotOfRow + Int(embeddingRows[Int(rows[b + Self.prefetchSlots]) * singles + f]))
                        }
                        add(row: embeddingRows[Int(r) * singles + f], source: source, scale: nil)
                    } else {
                        let lo = Int(data.multiOffsets[multi][Int(r)]), hi = Int(data.multiOffsets[multi][Int(r) + 1])
                        let scale = 1 / Float(max(1, hi - lo))
                        for j in lo..<hi { add(row: data.multiRows[multi][j], source: source, scale: scale) }
                    }
                }
            }
            for row in touchedRows { slotOfRow[Int(row)] = -1 }
        }
    }

    /// Steps the step's rows (`stepRows`) with their gradient rows (`stepGradients`, plus the
    /// embedding L2's λ·e, added in place: the buffer is the step's scratch) through the deep
    /// optimizer's `slot`, and marks them touched.
    func applyStepGradients(l2: Double, optimizer: DeepOptimizer, slot: Int) {
        let rows = stepRows
        if l2 > 0 {
            let lambda = Float(l2), d = dim
            stepGradients.withUnsafeMutableBufferPointer { gradients in
                for (slot, row) in rows.enumerated() {
                    for k in 0..<d { gradients[slot * d + k] += lambda * pointer[Int(row) * d + k] }
                }
            }
        }
        touched.withUnsafeMutableBufferPointer { touched in
            for row in rows { touched[Int(row)] = 1 }
        }
        if touchLog != nil { for row in rows { touchLog!.add(row) } }
        rows.withUnsafeBufferPointer { rows in
            stepGradients.withUnsafeBufferPointer { gradients in
                optimizer.updateRows(slot: slot, rows: rows, dim: dim, values: pointer, grads: gradients.baseAddress!)
            }
        }
    }

    /// Row `row`'s gradient row in a step's list of distinct rows (`rows`, with a gradient row
    /// each in `gradients`): its slot from the slot map, or on first use the next one, zeroed.
    @inline(__always)
    static func gradientRow(of row: Int32, slotOfRow: UnsafeMutablePointer<Int32>, rows: inout [Int32],
                            gradients: UnsafeMutablePointer<Float>, dim d: Int) -> UnsafeMutablePointer<Float> {
        var slot = Int(slotOfRow[Int(row)])
        if slot < 0 {
            slot = rows.count
            slotOfRow[Int(row)] = Int32(slot)
            rows.append(row)
            (gradients + slot * d).initialize(repeating: 0, count: d)
        }
        return gradients + slot * d
    }

    /// Examples ahead whose slot-map entries `sumGradients` prefetches.
    static let prefetchSlots = 8
}
