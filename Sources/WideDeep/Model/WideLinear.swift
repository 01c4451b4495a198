/// The wide part: a sparse linear model over hashed wide ids, `logit = Σ w_id + bias` (Cheng et
/// al. 2016, eq. 1, with binary features), trained per coordinate with FTRL-Proximal by default,
/// or with AdaGrad / SGD as tf.keras' WideDeepModel allows.
///
/// Storage is `size + 1` coordinates, the last being the bias, which gets no L1/L2.
/// FTRL: `z`, `n` as the paper. AdaGrad: `z` holds the weights and `n` the accumulators.
/// SGD: `z` holds the weights.
public final class WideLinear: @unchecked Sendable {
    public let size: Int
    public let kind: OptimizerName
    public var ftrl: FTRLProximal
    /// Learning rate and AdaGrad's starting accumulator, when not FTRL.
    public var learningRate: Double
    public let initialAccumulator: Double
    public var z: [Float]
    public var n: [Float]
    /// Feature group that first updated each coordinate; `untouched` where none has.
    public var groupOf: [UInt16]
    public static let untouched = UInt16.max

    private var gradient: [Float]
    private var batchIds: [Int32] = []

    public init(size: Int, kind: OptimizerName, ftrl: FTRLProximal, learningRate: Double, initialAccumulator: Double = 0.1) {
        precondition(kind != .adam)
        self.size = size
        self.kind = kind
        self.ftrl = ftrl
        self.learningRate = learningRate
        self.initialAccumulator = initialAccumulator
        z = [Float](repeating: 0, count: size + 1)
        n = [Float](repeating: kind == .adagrad ? Float(initialAccumulator) : 0, count: size + 1)
        groupOf = [UInt16](repeating: Self.untouched, count: size)
        gradient = [Float](repeating: 0, count: size + 1)
    }

    /// The weight of coordinate `i` (`size` is the bias).
    @inline(__always)
    public func weight(_ i: Int) -> Float {
        switch kind {
        case .ftrl: i == size ? ftrl.unregularizedWeight(z: z[i], n: n[i]) : ftrl.weight(z: z[i], n: n[i])
        default: z[i]
        }
    }

    public var bias: Float { weight(size) }

    /// Forward for one example: bias + Σ w over its ids.
    @inline(__always)
    public func logit(ids: UnsafeBufferPointer<UInt32>) -> Float {
        var sum = weight(size)
        switch kind {
        case .ftrl:
            for id in ids { sum += ftrl.weight(z: z[Int(id)], n: n[Int(id)]) }
        default:
            for id in ids { sum += z[Int(id)] }
        }
        return sum
    }

    /// Adds one example's logit gradient to each of its ids (x = 1) and to the bias.
    @inline(__always)
    public func accumulate(ids: UnsafeBufferPointer<UInt32>, groups: UnsafeBufferPointer<UInt16>, gradient g: Float) {
        for (k, id) in ids.enumerated() {
            let i = Int(id)
            if gradient[i] == 0 { batchIds.append(Int32(i)) }
            gradient[i] += g
            if groupOf[i] == Self.untouched { groupOf[i] = groups[k] }
        }
        gradient[size] += g
    }

    /// Applies the minibatch's summed gradients, coordinate by coordinate, and clears them.
    /// A coordinate whose gradients summed to exactly zero is skipped (its step would be a no-op
    /// for FTRL and AdaGrad too: σ = 0 and z, n unchanged).
    public func applyUpdates() {
        batchIds.append(Int32(size))
        let lr = Float(learningRate)
        for id in batchIds {
            let i = Int(id)
            let g = gradient[i]
            gradient[i] = 0
            guard g != 0 else { continue }
            switch kind {
            case .ftrl:
                if i == size { ftrl.updateUnregularized(z: &z[i], n: &n[i], gradient: g) } else { ftrl.update(z: &z[i], n: &n[i], gradient: g) }
            case .adagrad:
                n[i] += g * g
                z[i] -= lr * g / (n[i].squareRoot() + 1e-7)
            case .sgd:
                z[i] -= lr * g
            case .adam:
                break
            }
        }
        batchIds.removeAll(keepingCapacity: true)
    }

    /// Non-zero and touched coordinates, overall and per feature group.
    public func statistics(groupNames: [String]) -> (nonzero: Int, touched: Int, groups: [WideGroupStatistics]) {
        var nonzero = [Int](repeating: 0, count: groupNames.count)
        var touched = [Int](repeating: 0, count: groupNames.count)
        for i in 0..<size {
            let g = groupOf[i]
            guard g != Self.untouched, Int(g) < groupNames.count else { continue }
            touched[Int(g)] += 1
            if weight(i) != 0 { nonzero[Int(g)] += 1 }
        }
        let groups = groupNames.indices.map {
            WideGroupStatistics(name: groupNames[$0], nonzero: nonzero[$0], touched: touched[$0])
        }
        return (nonzero.reduce(0, +), touched.reduce(0, +), groups)
    }

    /// True when every coordinate's state is finite.
    public var isFinite: Bool {
        z.allSatisfy(\.isFinite) && n.allSatisfy(\.isFinite)
    }
}
