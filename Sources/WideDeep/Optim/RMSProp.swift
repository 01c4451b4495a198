/// RMSProp (Tieleman & Hinton 2012) as TensorFlow 1's `tf.compat.v1.train.RMSPropOptimizer` with
/// momentum 0 and not centered (tensorflow/python/training/rmsprop.py): its mean-square slot
/// `rms` starts at ones (not zeros, as Keras' RMSprop does) and ε sits inside the square root:
///
///     ms ← ρ·ms + (1−ρ)·g²;  θ ← θ − lr·g / √(ms + ε)      (TF defaults: ρ 0.9, ε 1e-10)
///
/// On embeddings only the touched rows step (TF's sparse apply does the same).
public struct RMSProp: Sendable, Equatable {
    public var learningRate: Double
    /// TensorFlow's `decay`.
    public var rho: Double
    public var epsilon: Double
    /// The mean square's start; TensorFlow 1 initializes the slot to 1.
    public var initialMeanSquare: Double

    public init(learningRate: Double, rho: Double = 0.9, epsilon: Double = 1e-10, initialMeanSquare: Double = 1) {
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
        self.initialMeanSquare = initialMeanSquare
    }
}

extension RMSProp: DeepOptimizerRule {
    var stateTensors: [OptimizerStateTensor] {
        [OptimizerStateTensor(suffix: "rmsprop_ms", initialValue: Float(initialMeanSquare), domain: .nonNegative)]
    }

    func update(values: UnsafeMutablePointer<Float>, grads: UnsafePointer<Float>, state: [StateBuffer], offset: Int,
                count: Int, scalars: OptimizerStepScalars) {
        let lr = Float(learningRate), rho = Float(rho), eps = Float(epsilon)
        let ms = state[0].pointer + offset
        for i in 0..<count {
            let g = grads[i]
            ms[i] = rho * ms[i] + (1 - rho) * g * g
            values[i] -= lr * g / (ms[i] + eps).squareRoot()
        }
    }
}
