/// Plain SGD's one setting: θ ← θ − lr·g. No state.
public struct SGD: Sendable, Equatable {
    public var learningRate: Double

    public init(learningRate: Double) {
        self.learningRate = learningRate
    }
}

extension SGD: DeepOptimizerRule {
    var stateTensors: [OptimizerStateTensor] { [] }

    func update(values: UnsafeMutablePointer<Float>, grads: UnsafePointer<Float>, state: [StateBuffer], offset: Int,
                count: Int, scalars: OptimizerStepScalars) {
        let lr = Float(learningRate)
        for i in 0..<count { values[i] -= lr * grads[i] }
    }
}
