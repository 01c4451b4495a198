import CProcessorHints
import Foundation

/// The deep part's optimizer (see `DeepOptimizerSettings`) over a set of registered parameter
/// tensors. State is kept per tensor so that sparse rows (embeddings) update only where the
/// minibatch touched them; Adam on embeddings is then "lazy Adam", as TensorFlow's.
///
/// The learning rate is plain state read at every step, so a command can change it mid-run.
/// Sendable: owned by its model; the step's tasks update disjoint tensors' state (`StateBuffer`).
public final class DeepOptimizer: @unchecked Sendable {
    public let kind: DeepOptimizerName
    /// Only the learning rate changes after init, so the case always matches `kind`.
    public private(set) var settings: DeepOptimizerSettings
    public var learningRate: Double {
        get { settings.learningRate }
        set { settings.learningRate = newValue }
    }
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

    public init(_ settings: DeepOptimizerSettings) {
        kind = settings.name
        self.settings = settings
    }

    /// Registers a tensor of `count` parameters; returns its slot.
    public func register(name: String, count: Int) -> Int {
        names.append(name)
        switch settings {
        case .adagrad(let adagrad):
            firstBoxes.append(StateBuffer([Float](repeating: Float(adagrad.initialAccumulator), count: count)))
            secondBoxes.append(StateBuffer([]))
        case .adam:
            firstBoxes.append(StateBuffer([Float](repeating: 0, count: count)))
            secondBoxes.append(StateBuffer([Float](repeating: 0, count: count)))
        case .sgd:
            firstBoxes.append(StateBuffer([]))
            secondBoxes.append(StateBuffer([]))
        }
        return names.count - 1
    }

    /// Call once per minibatch before the updates (Adam's bias corrections use t).
    public func beginStep() {
        steps += 1
        if case .adam(let adam) = settings {
            correction1 = Float(1 - pow(adam.beta1, Double(steps)))
            correction2 = Float(1 - pow(adam.beta2, Double(steps)))
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
        switch settings {
        case .sgd(let sgd):
            let lr = Float(sgd.learningRate)
            for i in 0..<count { values[i] -= lr * grads[i] }
        case .adagrad(let adagrad):
            AdaGrad.update(values, grads, firstBoxes[slot].pointer + offset, count: count,
                           lr: Float(adagrad.learningRate), eps: Float(adagrad.epsilon))
        case .adam(let adam):
            let lr = Float(adam.learningRate), eps = Float(adam.epsilon)
            let b1 = Float(adam.beta1), b2 = Float(adam.beta2), c1 = correction1, c2 = correction2
            let m = firstBoxes[slot].pointer + offset, v = secondBoxes[slot].pointer + offset
            for i in 0..<count {
                let g = grads[i]
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                values[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
            }
        }
    }

    /// Updates the rows `rows` of a `dim`-wide row-major tensor at `values` (an embedding table),
    /// `grads` holding one gradient row per entry of `rows`, in that order.
    public func updateRows(slot: Int, rows: UnsafeBufferPointer<Int32>, dim: Int, values: UnsafeMutablePointer<Float>,
                           grads: UnsafePointer<Float>) {
        guard case .adagrad(let adagrad) = settings else {
            for (i, row) in rows.enumerated() {
                update(slot: slot, offset: Int(row) * dim, values: values + Int(row) * dim, grads: grads + i * dim, count: dim)
            }
            return
        }
        let lr = Float(adagrad.learningRate), eps = Float(adagrad.epsilon)
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
            AdaGrad.update(values + offset, grads + i * dim, accumulators + offset, count: dim, lr: lr, eps: eps)
        }
    }

    /// Rows ahead whose lines `updateRows` prefetches.
    static let prefetchDistance = 4

    /// Optimizer state tensors by name suffix, for checkpoints.
    public func stateTensors() -> [(name: String, values: [Float])] {
        var out: [(String, [Float])] = []
        for (slot, name) in names.enumerated() {
            switch kind {
            case .adagrad: out.append(("\(name).adagrad_accumulator", firstBoxes[slot].values))
            case .adam:
                out.append(("\(name).adam_m", firstBoxes[slot].values))
                out.append(("\(name).adam_v", secondBoxes[slot].values))
            case .sgd: break
            }
        }
        return out
    }

    /// A tensor's state buffers (none for SGD, one for AdaGrad, two for Adam), to change in place
    /// between minibatches.
    func stateBuffers(slot: Int) -> [UnsafeMutableBufferPointer<Float>] {
        [firstBoxes[slot], secondBoxes[slot]].filter { $0.count > 0 }.map {
            UnsafeMutableBufferPointer(start: $0.pointer, count: $0.count)
        }
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
