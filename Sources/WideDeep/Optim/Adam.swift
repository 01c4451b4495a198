/// Adam's settings (Kingma & Ba 2015); the step itself is in `DeepOptimizer`, the only user:
///
///     m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
///     θ ← θ − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε)
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
