/// Plain SGD's one setting: θ ← θ − lr·g.
public struct SGD: Sendable, Equatable {
    public var learningRate: Double

    public init(learningRate: Double) {
        self.learningRate = learningRate
    }
}
