import CProcessorHints

/// AdaGrad's settings and its one kernel (Duchi et al. 2011), shared by the deep part's tensors
/// and the wide part's coordinates:
///
///     G ← G + g²;  θ ← θ − lr·g / (√G + ε)       (G starts at `initialAccumulator`)
///
/// State is Float32 and lr, ε are rounded to Float once per update call, so the vector kernel and
/// the per-coordinate step give the same bits.
public struct AdaGrad: Sendable, Equatable {
    public var learningRate: Double
    /// TensorFlow's `initial_accumulator_value`.
    public var initialAccumulator: Double
    public var epsilon: Double

    public init(learningRate: Double, initialAccumulator: Double = 0.1, epsilon: Double = 1e-7) {
        self.learningRate = learningRate
        self.initialAccumulator = initialAccumulator
        self.epsilon = epsilon
    }

    /// One coordinate's step.
    @inline(__always)
    public static func step(weight w: inout Float, accumulator g2: inout Float, gradient g: Float, lr: Float, eps: Float) {
        g2 += g * g
        w -= lr * g / (g2.squareRoot() + eps)
    }

    /// The step over `count` elements, eight lanes at a time: the same IEEE operations per
    /// element as `step` (square root and division are correctly rounded, and nothing is fused),
    /// so the vector lanes and the scalar tail agree bit for bit.
    @inline(__always)
    static func update(_ values: UnsafeMutablePointer<Float>, _ grads: UnsafePointer<Float>,
                       _ g2: UnsafeMutablePointer<Float>, count: Int, lr: Float, eps: Float) {
        typealias V = SIMD8<Float>
        var i = 0
        let lrv = V(repeating: lr), epsv = V(repeating: eps)
        while i + 8 <= count {
            let g = UnsafeRawPointer(grads + i).loadUnaligned(as: V.self)
            let acc = UnsafeRawPointer(g2 + i).loadUnaligned(as: V.self) + g * g
            let w = UnsafeRawPointer(values + i).loadUnaligned(as: V.self) - lrv * g / (acc.squareRoot() + epsv)
            UnsafeMutableRawPointer(g2 + i).storeBytes(of: acc, as: V.self)
            UnsafeMutableRawPointer(values + i).storeBytes(of: w, as: V.self)
            i += 8
        }
        while i < count {
            step(weight: &values[i], accumulator: &g2[i], gradient: grads[i], lr: lr, eps: eps)
            i += 1
        }
    }
}

extension AdaGrad: DeepOptimizerRule {
    var stateTensors: [OptimizerStateTensor] {
        [OptimizerStateTensor(suffix: "adagrad_accumulator", initialValue: Float(initialAccumulator), domain: .nonNegative)]
    }

    func update(values: UnsafeMutablePointer<Float>, grads: UnsafePointer<Float>, state: [StateBuffer], offset: Int,
                count: Int, scalars: OptimizerStepScalars) {
        Self.update(values, grads, state[0].pointer + offset, count: count, lr: Float(learningRate), eps: Float(epsilon))
    }

    /// The rows are scattered over the table: a later row's lines are asked for while this one
    /// is computed.
    func updateRows(rows: UnsafeBufferPointer<Int32>, dim: Int, values: UnsafeMutablePointer<Float>,
                    grads: UnsafePointer<Float>, state: [StateBuffer], scalars: OptimizerStepScalars) {
        let lr = Float(learningRate), eps = Float(epsilon)
        let accumulators = state[0].pointer
        for (i, row) in rows.enumerated() {
            if i + Self.prefetchDistance < rows.count {
                let ahead = Int(rows[i + Self.prefetchDistance]) * dim
                wdl_prefetch_write(values + ahead)
                wdl_prefetch_write(accumulators + ahead)
            }
            let offset = Int(row) * dim
            Self.update(values + offset, grads + i * dim, accumulators + offset, count: dim, lr: lr, eps: eps)
        }
    }

    /// Rows ahead whose lines `updateRows` prefetches.
    static let prefetchDistance = 4
}
