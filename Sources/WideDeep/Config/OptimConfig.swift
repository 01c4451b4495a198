/// The `optim` section: each part's optimizer as written in the file, one flat mapping per part
/// (every key optional, the defaults shown here). The names admit only each part's optimizers;
/// `settings` turns a part's keys into its typed optimizer.
public struct OptimConfig: Sendable, Equatable, Codable {
    public var wide = WideOptimConfig()
    public var deep = DeepOptimConfig()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case wide, deep }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let wide = try c.decodeIfPresent(WideOptimConfig.self, forKey: .wide) { self.wide = wide }
        if let deep = try c.decodeIfPresent(DeepOptimConfig.self, forKey: .deep) { self.deep = deep }
    }
}

public enum WideOptimizerName: String, Sendable, Codable, CaseIterable {
    case ftrl, adagrad, sgd
}

public enum DeepOptimizerName: String, Sendable, Codable, CaseIterable {
    case adagrad, adam, sgd, rmsprop
}

/// `optim.wide`. The keys of the optimizers not named are kept (a flag may switch to them) but
/// unused.
public struct WideOptimConfig: Sendable, Equatable, Codable {
    public var name: WideOptimizerName = .ftrl
    public var alpha: Double = 0.05
    public var beta: Double = 1.0
    public var l1: Double = 0.1
    public var l2: Double = 1.0
    /// AdaGrad's and SGD's learning rate.
    public var lr: Double = 0.05
    /// AdaGrad's starting accumulator and ε: the wide part's own, not the deep part's.
    public var initialAccumulator: Double = 0.1
    public var epsilon: Double = 1e-7

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, alpha, beta, l1, l2, lr, initialAccumulator = "initial_accumulator", epsilon
    }

    /// The section read through `ConfigSchema` (absent keys keep their defaults).
    public init(from decoder: Decoder) throws {
        var config = RunConfig()
        try ConfigSchema.decode(section: "optim.wide", from: decoder, into: &config)
        self = config.optim.wide
    }

    /// The named optimizer with its keys.
    public var settings: WideOptimizerSettings {
        switch name {
        case .ftrl: .ftrl(FTRLProximal(alpha: alpha, beta: beta, l1: l1, l2: l2))
        case .adagrad: .adagrad(AdaGrad(learningRate: lr, initialAccumulator: initialAccumulator, epsilon: epsilon))
        case .sgd: .sgd(SGD(learningRate: lr))
        }
    }
}

/// `optim.deep`. The keys of the optimizers not named are kept (a flag may switch to them) but
/// unused.
public struct DeepOptimConfig: Sendable, Equatable, Codable {
    /// AdaGrad is the paper's choice.
    public var name: DeepOptimizerName = .adagrad
    /// 0.02: measured better than TensorFlow's 0.05 on Adult, the same on generated CTR data
    /// (docs/best-model.md).
    public var lr: Double = 0.02
    /// AdaGrad's starting accumulator (TensorFlow's initial_accumulator_value).
    public var initialAccumulator: Double = 0.1
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    /// AdaGrad's and Adam's ε.
    public var epsilon: Double = 1e-7
    /// L2 on the dense weights and on the embedding rows a step touches (`DeepRegularization`).
    public var l2: Double = 0
    public var embeddingL2: Double = 0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, lr, initialAccumulator = "initial_accumulator", beta1, beta2, epsilon, l2
        case embeddingL2 = "embedding_l2"
    }

    /// The section read through `ConfigSchema` (absent keys keep their defaults).
    public init(from decoder: Decoder) throws {
        var config = RunConfig()
        try ConfigSchema.decode(section: "optim.deep", from: decoder, into: &config)
        self = config.optim.deep
    }

    /// The named optimizer with its keys.
    public var settings: DeepOptimizerSettings {
        switch name {
        case .adagrad: .adagrad(AdaGrad(learningRate: lr, initialAccumulator: initialAccumulator, epsilon: epsilon))
        case .adam: .adam(Adam(learningRate: lr, beta1: beta1, beta2: beta2, epsilon: epsilon))
        case .sgd: .sgd(SGD(learningRate: lr))
        // TensorFlow 1's ρ and ε (its ε sits inside the root, so the shared `epsilon` key is not it).
        case .rmsprop: .rmsprop(RMSProp(learningRate: lr))
        }
    }
}
