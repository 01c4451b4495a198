/// A hyperparameter that can be changed while a run trains, and the one table of them
/// (`allCases`): where each lives in a model and in the run config, which models have it, and
/// what values it takes. The session, `RunConfig.applying(hyperparameters:)` and the dashboard
/// all read this table, so a new live hyperparameter is one entry here.
public struct Hyperparameter: Sendable, Hashable, RawRepresentable, Codable, CustomStringConvertible {
    /// The key in metrics logs and checkpoints (`deep_lr`, `ftrl_alpha`, …).
    public let rawValue: String
    /// A short label for screens and logs.
    public let label: String
    /// The shortest label, in the panel of its part (`α`).
    public let symbol: String
    public let part: Part
    /// Values a command may set. Learning rates must be positive; regularisation may be zero.
    public let validRange: ClosedRange<Double>
    /// Where the run config keeps it (`optim.deep.lr`).
    public let configPath: String
    /// What a model needs to have it, for refusals ("an FTRL wide part").
    public let requirement: String
    private let config: WritableKeyPath<RunConfig, Double> & Sendable
    /// The model's value; nil when the model does not have it.
    private let read: @Sendable (WideDeepModel) -> Double?
    /// Sets the model's value; changes nothing when the model does not have it.
    private let write: @Sendable (WideDeepModel, Double) -> Void

    public enum Part: Sendable { case wide, deep }

    public var description: String { rawValue }

    public static func == (a: Hyperparameter, b: Hyperparameter) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// The entry with this key; nil for an unknown key.
    public init?(rawValue: String) {
        guard let entry = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = entry
    }

    public func value(in model: WideDeepModel) -> Double? { read(model) }
    public func applies(to model: WideDeepModel) -> Bool { read(model) != nil }
    public func set(_ value: Double, in model: WideDeepModel) { write(model, value) }

    public func value(in config: RunConfig) -> Double { config[keyPath: self.config] }
    public func set(_ value: Double, in config: inout RunConfig) { config[keyPath: self.config] = value }

    /// Checks a value for this hyperparameter; returns a message when it is refused.
    public func validate(_ value: Double) -> String? {
        guard value.isFinite else { return "\(label) must be a finite number" }
        guard validRange.contains(value) else {
            return "\(label) must be in \(validRange.lowerBound)…\(validRange.upperBound), got \(value)"
        }
        return nil
    }

    /// Checks the config's value; the message names the config key.
    public func validate(_ config: RunConfig) -> String? {
        validate(value(in: config)).map { "\(configPath): \($0)" }
    }
}

extension Hyperparameter {
    /// The table, in the order screens list them.
    public static let allCases: [Hyperparameter] = [
        deepLearningRate, dropout, deepL2, embeddingL2, ftrlAlpha, ftrlBeta, ftrlL1, ftrlL2, wideLearningRate,
    ]

    public static let deepLearningRate = Hyperparameter(
        rawValue: "deep_lr", label: "deep lr", symbol: "lr", part: .deep, validRange: 1e-9...100,
        configPath: "optim.deep.lr", requirement: "a deep part", config: \.optim.deep.lr,
        read: { $0.mode.hasDeep ? $0.deepOptimizer.learningRate : nil },
        write: { model, value in if model.mode.hasDeep { model.deepOptimizer.learningRate = value } })

    public static let dropout = regularization(
        "dropout", label: "dropout", symbol: "p", range: 0...0.9, \.dropout, \.model.dropout, configPath: "model.dropout")
    public static let deepL2 = regularization(
        "deep_l2", label: "deep L2", symbol: "λ", range: 0...1e3, \.l2, \.optim.deep.l2, configPath: "optim.deep.l2")
    public static let embeddingL2 = regularization(
        "embedding_l2", label: "emb L2", symbol: "λe", range: 0...1e3, \.embeddingL2, \.optim.deep.embeddingL2,
        configPath: "optim.deep.embedding_l2")

    public static let ftrlAlpha = ftrl("alpha", "α", range: 1e-9...100, \.alpha, \.optim.wide.alpha)
    public static let ftrlBeta = ftrl("beta", "β", range: 0...1e6, \.beta, \.optim.wide.beta)
    public static let ftrlL1 = ftrl("l1", "λ1", range: 0...1e6, \.l1, \.optim.wide.l1)
    public static let ftrlL2 = ftrl("l2", "λ2", range: 0...1e6, \.l2, \.optim.wide.l2)

    /// The wide part's rate when it is AdaGrad or SGD.
    public static let wideLearningRate = Hyperparameter(
        rawValue: "wide_lr", label: "wide lr", symbol: "lr", part: .wide, validRange: 1e-9...100,
        configPath: "optim.wide.lr", requirement: "an AdaGrad or SGD wide part", config: \.optim.wide.lr,
        read: { $0.wide?.learningRate },
        write: { model, value in model.wide?.learningRate = value })

    /// A setting of the deep part's `DeepRegularization`.
    private static func regularization(_ key: String, label: String, symbol: String, range: ClosedRange<Double>,
                                       _ setting: WritableKeyPath<DeepRegularization, Double> & Sendable,
                                       _ config: WritableKeyPath<RunConfig, Double> & Sendable,
                                       configPath: String) -> Hyperparameter {
        Hyperparameter(
            rawValue: key, label: label, symbol: symbol, part: .deep, validRange: range, configPath: configPath,
            requirement: "a deep part", config: config,
            read: { $0.mode.hasDeep ? $0.regularization[keyPath: setting] : nil },
            write: { model, value in if model.mode.hasDeep { model.regularization[keyPath: setting] = value } })
    }

    /// FTRL's setting `name` (the config's key): on a model, it lives in the wide part's
    /// `FTRLProximal`.
    private static func ftrl(_ name: String, _ symbol: String, range: ClosedRange<Double>,
                             _ setting: WritableKeyPath<FTRLProximal, Double> & Sendable,
                             _ config: WritableKeyPath<RunConfig, Double> & Sendable) -> Hyperparameter {
        Hyperparameter(
            rawValue: "ftrl_\(name)", label: "FTRL \(symbol)", symbol: symbol, part: .wide, validRange: range,
            configPath: "optim.wide.\(name)", requirement: "an FTRL wide part", config: config,
            read: { $0.wide?.ftrl?[keyPath: setting] },
            write: { model, value in model.wide?.ftrl?[keyPath: setting] = value })
    }

    private init(rawValue: String, label: String, symbol: String, part: Part, validRange: ClosedRange<Double>,
                 configPath: String, requirement: String, config: WritableKeyPath<RunConfig, Double> & Sendable,
                 read: @escaping @Sendable (WideDeepModel) -> Double?,
                 write: @escaping @Sendable (WideDeepModel, Double) -> Void) {
        self.rawValue = rawValue
        self.label = label
        self.symbol = symbol
        self.part = part
        self.validRange = validRange
        self.configPath = configPath
        self.requirement = requirement
        self.config = config
        self.read = read
        self.write = write
    }
}
