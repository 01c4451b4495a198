import Foundation

/// Adam (Kingma & Ba 2015), as TensorFlow's: bias corrections computed once per minibatch in
/// Double, the moments Float state.
///
///     m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
///     θ ← θ − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε)
///
/// On embeddings only the touched rows step ("lazy Adam", as TensorFlow's sparse update).
public struct Adam: Sendable, Equatable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double

    public init(learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
}

extension Adam: DeepOptimizerRule {
    var stateTensors: [OptimizerStateTensor] {
        [OptimizerStateTensor(suffix: "adam_m", initialValue: 0, domain: .real),
         OptimizerStateTensor(suffix: "adam_v", initialValue: 0, domain: .nonNegative)]
    }

    /// 1 − β1^t and 1 − β2^t.
    func stepScalars(steps: Int) -> OptimizerStepScalars {
        OptimizerStepScalars(first: Float(1 - pow(beta1, Double(steps))), second: Float(1 - pow(beta2, Double(steps))))
    }

    func update(values: UnsafeMutablePointer<Float>, grads: UnsafePointer<Float>, state: [StateBuffer], offset: Int,
                count: Int, scalars: OptimizerStepScalars) {
        let lr = Float(learningRate), eps = Float(epsilon)
        let b1 = Float(beta1), b2 = Float(beta2), c1 = scalars.first, c2 = scalars.second
        let m = state[0].pointer + offset, v = state[1].pointer + offset
        for i in 0..<count {
            let g = grads[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            values[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
        }
    }
}
