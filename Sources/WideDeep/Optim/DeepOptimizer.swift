import Foundation

/// The deep part's optimizer (see `DeepOptimizerSettings`) over a set of registered parameter
/// tensors. State is kept per tensor so that sparse rows (embeddings) update only where the
/// minibatch touched them; Adam on embeddings is then "lazy Adam", as TensorFlow's. What state a
/// tensor has and how it steps is the rule's (`DeepOptimizerRule`); this type only keeps it.
///
/// The learning rate is plain state read at every step, so a command can change it mid-run.
/// Sendable: owned by its model; the step's tasks update disjoint tensors' state (`StateBuffer`).
public final class DeepOptimizer: @unchecked Sendable {
    public let kind: DeepOptimizerName
    /// Only the learning rate changes after init, so the case always matches `kind`.
    public private(set) var settings: DeepOptimizerSettings {
        didSet { rule = settings.rule }
    }
    public var learningRate: Double {
        get { settings.learningRate }
        set { settings.learningRate = newValue }
    }
    /// The settings' rule, kept so that a step does not rebuild it.
    private var rule: any DeepOptimizerRule
    /// The state tensors each registered tensor has (the rule's).
    public var stateTensors: [OptimizerStateTensor] { rule.stateTensors }
    /// The step count t (advanced by `beginStep`).
    public private(set) var steps: Int = 0
    private var scalars = OptimizerStepScalars()
    /// Per tensor, one buffer per state tensor of the rule. One box per buffer, so that different
    /// tensors (embedding fields) can be updated from different threads at once.
    private var boxes: [[StateBuffer]] = []
    public private(set) var names: [String] = []

    public init(_ settings: DeepOptimizerSettings) {
        kind = settings.name
        self.settings = settings
        rule = settings.rule
    }

    /// Registers a tensor of `count` parameters; returns its slot.
    public func register(name: String, count: Int) -> Int {
        names.append(name)
        boxes.append(rule.stateTensors.map { StateBuffer([Float](repeating: $0.initialValue, count: count)) })
        return names.count - 1
    }

    /// Call once per minibatch before the updates (Adam's bias corrections use t).
    public func beginStep() {
        steps += 1
        scalars = rule.stepScalars(steps: steps)
    }

    /// Restores the step count (checkpoints).
    public func setSteps(_ value: Int) {
        steps = value - 1
        beginStep()
    }

    /// Updates `count` parameters at `values` with `grads`, whose state starts at `offset` of
    /// tensor `slot`, on the calling thread (the model runs each tensor's update as one task of
    /// the step's update region).
    public func update(slot: Int, offset: Int, values: UnsafeMutablePointer<Float>, grads: UnsafePointer<Float>,
                       count: Int) {
        rule.update(values: values, grads: grads, state: boxes[slot], offset: offset, count: count, scalars: scalars)
    }

    /// Updates the rows `rows` of a `dim`-wide row-major tensor at `values` (an embedding table),
    /// `grads` holding one gradient row per entry of `rows`, in that order.
    public func updateRows(slot: Int, rows: UnsafeBufferPointer<Int32>, dim: Int, values: UnsafeMutablePointer<Float>,
                           grads: UnsafePointer<Float>) {
        rule.updateRows(rows: rows, dim: dim, values: values, grads: grads, state: boxes[slot], scalars: scalars)
    }

    /// A tensor's state values, one array per state tensor of the rule (a copy).
    public func state(slot: Int) -> [[Float]] { boxes[slot].map(\.values) }

    /// A tensor's state buffers (none for SGD, one for AdaGrad, two for Adam), to change in place
    /// between minibatches.
    func stateBuffers(slot: Int) -> [UnsafeMutableBufferPointer<Float>] {
        boxes[slot].map { UnsafeMutableBufferPointer(start: $0.pointer, count: $0.count) }
    }

    /// Element count of a tensor's state buffers (0 when the rule keeps none).
    public func stateCount(slot: Int) -> Int { boxes[slot].first?.count ?? 0 }

    /// Sets state tensor `index` of tensor `slot`.
    public func restoreState(slot: Int, index: Int, values: [Float]) {
        boxes[slot][index].values = values
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
