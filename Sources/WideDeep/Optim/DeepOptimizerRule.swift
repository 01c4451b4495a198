/// One state tensor an optimizer rule keeps beside each parameter tensor, of the same shape
/// (AdaGrad's accumulator, Adam's two moments): what checkpoints save under `<tensor>.<suffix>`,
/// what a fresh model starts it at, and which values it may hold.
public struct OptimizerStateTensor: Sendable, Equatable {
    public var suffix: String
    public var initialValue: Float
    public var domain: ValueDomain

    public init(suffix: String, initialValue: Float, domain: ValueDomain) {
        self.suffix = suffix
        self.initialValue = initialValue
        self.domain = domain
    }
}

/// The values a stored float tensor may hold beyond being finite.
public enum ValueDomain: Sendable, Equatable {
    case real
    /// Sums (or moving averages) of squares: AdaGrad's accumulator, Adam's v, FTRL's n.
    case nonNegative
}

/// What a rule works out once per minibatch from the step count t (Adam's bias corrections),
/// so the per-element loops do not.
public struct OptimizerStepScalars: Sendable, Equatable {
    public var first: Float = 1
    public var second: Float = 1
}

/// One deep optimizer rule: its state tensors and its step over a dense tensor and over sparse
/// rows. `DeepOptimizer` calls it once per tensor (or per table of rows) and the loops over
/// elements stay inside the concrete type, so the protocol's dispatch is not paid per element.
/// Adding a rule: its type conforming here, a case of `DeepOptimizerSettings` and
/// `DeepOptimizerName`, and its tests.
protocol DeepOptimizerRule: Sendable {
    var learningRate: Double { get set }
    /// The state tensors kept per parameter tensor, in the order `state` is handed to the steps.
    var stateTensors: [OptimizerStateTensor] { get }
    /// The scalars of step `steps` (1 for the first minibatch).
    func stepScalars(steps: Int) -> OptimizerStepScalars
    /// Steps `count` parameters at `values`, whose state starts at `offset` of each `state` buffer.
    func update(values: UnsafeMutablePointer<Float>, grads: UnsafePointer<Float>, state: [StateBuffer], offset: Int,
                count: Int, scalars: OptimizerStepScalars)
    /// Steps the rows `rows` of a `dim`-wide row-major tensor, `grads` holding one gradient row
    /// per entry of `rows`, in that order.
    func updateRows(rows: UnsafeBufferPointer<Int32>, dim: Int, values: UnsafeMutablePointer<Float>,
                    grads: UnsafePointer<Float>, state: [StateBuffer], scalars: OptimizerStepScalars)
}

extension DeepOptimizerRule {
    func stepScalars(steps: Int) -> OptimizerStepScalars { OptimizerStepScalars() }

    /// Row by row through `update`: a rule with a faster sparse path (AdaGrad's prefetch) has its own.
    func updateRows(rows: UnsafeBufferPointer<Int32>, dim: Int, values: UnsafeMutablePointer<Float>,
                    grads: UnsafePointer<Float>, state: [StateBuffer], scalars: OptimizerStepScalars) {
        for (i, row) in rows.enumerated() {
            update(values: values + Int(row) * dim, grads: grads + i * dim, state: state, offset: Int(row) * dim,
                   count: dim, scalars: scalars)
        }
    }
}
