/// The embedding table of one categorical field: `rows × dim` values, row-major, initialized from
/// a normal truncated at 2σ with σ = 1/√dim (TensorFlow's embedding_column default).
///
/// The values live in one allocation owned by the table, so the training step can read every
/// field's rows through plain pointers from several threads (`pointer`); `values` is a copy.
/// Sendable: owned by its model; a step's tasks write disjoint rows through `pointer`.
public final class EmbeddingTable: @unchecked Sendable {
    public let field: String
    public let rows: Int
    public let dim: Int
    /// `rows × dim` values, row-major.
    public let pointer: UnsafeMutablePointer<Float>
    public var count: Int { rows * dim }
    /// A copy of the values (checkpoints, tests); setting copies them in.
    public var values: [Float] {
        get { Array(UnsafeBufferPointer(start: pointer, count: count)) }
        set {
            precondition(newValue.count == count, "embedding \(field): \(newValue.count) values for \(count)")
            pointer.update(from: newValue, count: count)
        }
    }
    /// 1 where a minibatch has updated the row.
    public var touched: [UInt8]
    /// Scratch of the training step: each row's place in the minibatch's list of distinct rows,
    /// −1 outside a step (rows × 4 bytes, 1/16 of the values at dim 16).
    let slotOfRow: UnsafeMutablePointer<Int32>
    /// Reused by the training step: the distinct rows a minibatch used, and a gradient row each.
    var stepRows: [Int32] = []
    var stepGradients: [Float] = []
    /// With periodic averaging: the rows stepped since the replicas were last averaged.
    var touchLog: TouchLog?

    /// A table with random values, or zeros when `generator` is nil (its values are about to
    /// be overwritten from a checkpoint: drawing 27 million normals would take most of a load).
    public init(field: String, rows: Int, dim: Int, generator: inout SeededGenerator?) {
        self.field = field
        self.rows = rows
        self.dim = dim
        // Cache-line aligned (a 16-dim row is then exactly one line to fetch), huge pages when large.
        pointer = LargeAllocation.allocate(Float.self, count: rows * dim)
        if generator != nil {
            let std = 1 / Double(dim).squareRoot()
            for i in 0..<(rows * dim) { pointer[i] = Float(generator!.nextTruncatedGaussian() * std) }
        } else {
            pointer.initialize(repeating: 0, count: rows * dim)
        }
        touched = [UInt8](repeating: 0, count: rows)
        slotOfRow = LargeAllocation.allocate(Int32.self, count: rows)
        slotOfRow.initialize(repeating: -1, count: max(1, rows))
    }

    deinit {
        LargeAllocation.deallocate(pointer)
        LargeAllocation.deallocate(slotOfRow)
    }

    /// Statistics of the touched rows' L2 norms. Mean and max use every touched row; the
    /// percentiles use every row up to 4,096 touched rows and an even sample beyond (`sampled`).
    public func statistics() -> EmbeddingFieldStatistics {
        var norms: [Double] = []
        var count = 0, sum = 0.0, maximum = 0.0
        let touchedTotal = touched.reduce(0) { $0 + Int($1) }
        let stride = max(1, touchedTotal / 4096)
        for r in 0..<rows where touched[r] != 0 {
            var s = 0.0
            for k in 0..<dim { let v = Double(pointer[r * dim + k]); s += v * v }
            let norm = s.squareRoot()
            sum += norm
            maximum = max(maximum, norm)
            if count % stride == 0 { norms.append(norm) }
            count += 1
        }
        norms.sort()
        let percentiles = norms.isEmpty ? [] : [0.05, 0.25, 0.5, 0.75, 0.95].map { q in
            norms[min(norms.count - 1, Int(q * Double(norms.count)))]
        }
        return EmbeddingFieldStatistics(field: field, rows: rows, rowsTouched: count,
                                        meanNorm: count == 0 ? 0 : sum / Double(count), maxNorm: maximum,
                                        normPercentiles: percentiles)
    }
}
