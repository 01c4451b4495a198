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
        wide = try c.decodeIfPresent(WideOptimConfig.self, forKey: .wide) ?? WideOptimConfig()
        deep = try c.decodeIfPresent(DeepOptimConfig.self, forKey: .deep) ?? DeepOptimConfig()
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

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try optimizerName(in: c, forKey: .name, part: "wide") ?? .ftrl
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? 0.05
        beta = try c.decodeIfPresent(Double.self, forKey: .beta) ?? 1.0
        l1 = try c.decodeIfPresent(Double.self, forKey: .l1) ?? 0.1
        l2 = try c.decodeIfPresent(Double.self, forKey: .l2) ?? 1.0
        lr = try c.decodeIfPresent(Double.self, forKey: .lr) ?? 0.05
        initialAccumulator = try c.decodeIfPresent(Double.self, forKey: .initialAccumulator) ?? 0.1
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? 1e-7
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

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try optimizerName(in: c, forKey: .name, part: "deep") ?? .adagrad
        lr = try c.decodeIfPresent(Double.self, forKey: .lr) ?? 0.02
        initialAccumulator = try c.decodeIfPresent(Double.self, forKey: .initialAccumulator) ?? 0.1
        beta1 = try c.decodeIfPresent(Double.self, forKey: .beta1) ?? 0.9
        beta2 = try c.decodeIfPresent(Double.self, forKey: .beta2) ?? 0.999
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? 1e-7
        l2 = try c.decodeIfPresent(Double.self, forKey: .l2) ?? 0
        embeddingL2 = try c.decodeIfPresent(Double.self, forKey: .embeddingL2) ?? 0
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

/// A part's optimizer name, refused with the names that part takes (the error's coding path
/// names the key).
private func optimizerName<Name: RawRepresentable & CaseIterable, Key: CodingKey>(
    in c: KeyedDecodingContainer<Key>, forKey key: Key, part: String
) throws -> Name? where Name.RawValue == String {
    guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
    guard let name = Name(rawValue: text) else {
        let accepted = Name.allCases.map(\.rawValue)
        throw DecodingError.dataCorruptedError(
            forKey: key, in: c,
            debugDescription: "the \(part) part takes \(accepted.dropLast().joined(separator: ", ")) or \(accepted.last!), got '\(text)'")
    }
    return name
}
