import CProcessorHints
import Foundation

/// The optimizer of the deep part (or of the wide part when it is not FTRL): AdaGrad (Duchi et
/// al. 2011, the paper's choice), Adam (Kingma & Ba 2015) or plain SGD, over a set of registered
/// parameter tensors. State is kept per tensor so that sparse rows (embeddings) update only
/// where the minibatch touched them; Adam on embeddings is then "lazy Adam", as TensorFlow's.
///
///     AdaGrad: G ← G + g²;  θ ← θ − lr·g / (√G + ε)       (G starts at `initialAccumulator`)
///     Adam:    m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
///              θ ← θ − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε)
///     SGD:     θ ← θ − lr·g
///
/// The learning rate is plain state read at every step, so a command can change it mid-run.
public final class DeepOptimizer: @unchecked Sendable {
    public let kind: OptimizerName
    public var learningRate: Double
    public let initialAccumulator: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    /// Adam's step count t (advanced by `beginStep`).
    public private(set) var steps: Int = 0
    /// Per tensor: AdaGrad's accumulator, or Adam's first moment. One box per tensor, so that
    /// different tensors (embedding fields) can be updated from different threads at once.
    private var firstBoxes: [StateBuffer] = []
    /// Per tensor: Adam's second moment.
    private var secondBoxes: [StateBuffer] = []
    public var first: [[Float]] { firstBoxes.map(\.values) }
    public var second: [[Float]] { secondBoxes.map(\.values) }
    public private(set) var names: [String] = []

    private var correction1: Float = 1
    private var correction2: Float = 1

    public init(kind: OptimizerName, learningRate: Double, initialAccumulator: Double = 0.1,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
        precondition(kind != .ftrl)
        self.kind = kind
        self.learningRate = learningRate
        self.initialAccumulator = initialAccumulator
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Registers a tensor of `count` parameters; returns its slot.
    public func register(name: String, count: Int) -> Int {
        names.append(name)
        switch kind {
        case .adagrad:
            firstBoxes.append(StateBuffer([Float](repeating: Float(initialAccumulator), count: count)))
            secondBoxes.append(StateBuffer([]))
        case .adam:
            firstBoxes.append(StateBuffer([Float](repeating: 0, count: count)))
            secondBoxes.append(StateBuffer([Float](repeating: 0, count: count)))
        default:
            firstBoxes.append(StateBuffer([]))
            secondBoxes.append(StateBuffer([]))
        }
        return names.count - 1
    }

    /// Call once per minibatch before the updates (Adam's bias corrections use t).
    public func beginStep() {
        steps += 1
        if kind == .adam {
            correction1 = Float(1 - pow(beta1, Double(steps)))
            correction2 = Float(1 - pow(beta2, Double(steps)))
        }
    }

    /// Restores Adam's step count (checkpoints).
    public func setSteps(_ value: Int) {
        steps = value - 1
        beginStep()
    }

    /// Updates `count` parameters at `values` with `grads`, whose state starts at `offset` of
    /// tensor `slot`, on the calling thread (the model runs each tensor's update as one task of
    /// the step's update region).
    public func update(slot: Int, offset: Int, values: UnsafeMutablePointer<Float>, grads: UnsafePointer<Float>,
                       count: Int) {
        let lr = Float(learningRate)
        let eps = Float(epsilon)
        switch kind {
        case .sgd:
            for i in 0..<count { values[i] -= lr * grads[i] }
        case .adagrad:
            Self.adagrad(values, grads, firstBoxes[slot].pointer + offset, count: count, lr: lr, eps: eps)
        case .adam:
            let b1 = Float(beta1), b2 = Float(beta2), c1 = correction1, c2 = correction2
            let m = firstBoxes[slot].pointer + offset, v = secondBoxes[slot].pointer + offset
            for i in 0..<count {
                let g = grads[i]
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                values[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
            }
        case .ftrl:
            preconditionFailure("FTRL is the wide part's own optimizer")
        }
    }

    /// Updates the rows `rows` of a `dim`-wide row-major tensor at `values` (an embedding table),
    /// `grads` holding one gradient row per entry of `rows`, in that order.
    public func updateRows(slot: Int, rows: UnsafeBufferPointer<Int32>, dim: Int, values: UnsafeMutablePointer<Float>,
                           grads: UnsafePointer<Float>) {
        guard kind == .adagrad else {
            for (i, row) in rows.enumerated() {
                update(slot: slot, offset: Int(row) * dim, values: values + Int(row) * dim, grads: grads + i * dim, count: dim)
            }
            return
        }
        let lr = Float(learningRate), eps = Float(epsilon)
        let accumulators = firstBoxes[slot].pointer
        for (i, row) in rows.enumerated() {
            // The rows are scattered over the table: ask for a later row's lines while this
            // one is computed.
            if i + Self.prefetchDistance < rows.count {
                let ahead = Int(rows[i + Self.prefetchDistance]) * dim
                wdl_prefetch_write(values + ahead)
                wdl_prefetch_write(accumulators + ahead)
            }
            let offset = Int(row) * dim
            Self.adagrad(values + offset, grads + i * dim, accumulators + offset, count: dim, lr: lr, eps: eps)
        }
    }

    /// Rows ahead whose lines `updateRows` prefetches.
    static let prefetchDistance = 4

    /// AdaGrad over `count` elements, eight lanes at a time: the same IEEE operations per
    /// element as the scalar loop (square root and division are correctly rounded, and nothing
    /// is fused), so the vector and the scalar tail agree bit for bit.
    @inline(__always)
    static func adagrad(_ values: UnsafeMutablePointer<Float>, _ grads: UnsafePointer<Float>,
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
            let g = grads[i]
            g2[i] += g * g
            values[i] -= lr * g / (g2[i].squareRoot() + eps)
            i += 1
        }
    }

    /// Optimizer state tensors by name suffix, for checkpoints.
    public func stateTensors() -> [(name: String, values: [Float])] {
        var out: [(String, [Float])] = []
        for (slot, name) in names.enumerated() {
            switch kind {
            case .adagrad: out.append(("\(name).adagrad_accumulator", firstBoxes[slot].values))
            case .adam:
                out.append(("\(name).adam_m", firstBoxes[slot].values))
                out.append(("\(name).adam_v", secondBoxes[slot].values))
            default: break
            }
        }
        return out
    }

    /// Element count of a tensor's first state buffer (0 for SGD).
    public func stateCount(slot: Int) -> Int { firstBoxes[slot].count }

    public func restoreState(slot: Int, first: [Float], second: [Float]) {
        firstBoxes[slot].values = first
        secondBoxes[slot].values = second
    }
}

/// One tensor's optimizer state in an allocation of its own, so that the step's update tasks
/// reach different tensors at once through `pointer` (no array access to exclude); `values` is a
/// copy.
final class StateBuffer: @unchecked Sendable {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var count: Int

    init(_ values: [Float]) {
        count = values.count
        pointer = LargeAllocation.allocate(Float.self, count: values.count)
        pointer.initialize(from: values, count: values.count)
    }

    var values: [Float] {
        get { Array(UnsafeBufferPointer(start: pointer, count: count)) }
        set {
            if newValue.count != count {
                LargeAllocation.deallocate(pointer)
                count = newValue.count
                pointer = LargeAllocation.allocate(Float.self, count: count)
            }
            pointer.update(from: newValue, count: count)
        }
    }

    deinit { LargeAllocation.deallocate(pointer) }
}
