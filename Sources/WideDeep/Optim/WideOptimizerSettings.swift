/// The wide part's optimizer with its settings: FTRL-Proximal (the paper's choice), or AdaGrad /
/// SGD as tf.keras' WideDeepModel allows. Adam is not a wide optimizer, so it cannot be written.
public enum WideOptimizerSettings: Sendable, Equatable {
    case ftrl(FTRLProximal)
    case adagrad(AdaGrad)
    case sgd(SGD)

    public var name: WideOptimizerName {
        switch self {
        case .ftrl: .ftrl
        case .adagrad: .adagrad
        case .sgd: .sgd
        }
    }

    /// The rule with these settings, for what it declares (its state tensors); the per-coordinate
    /// loops switch on the case instead, once per pass, to run specialised.
    var rule: any WideOptimizerRule {
        switch self {
        case .ftrl(let rule): rule
        case .adagrad(let rule): rule
        case .sgd(let rule): rule
        }
    }

    /// FTRL's settings; nil for the other optimizers. Setting it changes FTRL's settings only.
    public var ftrl: FTRLProximal? {
        get { if case .ftrl(let settings) = self { settings } else { nil } }
        set { if case .ftrl = self, let newValue { self = .ftrl(newValue) } }
    }

    /// The learning rate of AdaGrad or SGD; nil for FTRL (whose rate is α). Setting it changes
    /// AdaGrad's or SGD's rate only.
    public var learningRate: Double? {
        get {
            switch self {
            case .ftrl: nil
            case .adagrad(let settings): settings.learningRate
            case .sgd(let settings): settings.learningRate
            }
        }
        set {
            guard let newValue else { return }
            switch self {
            case .ftrl: break
            case .adagrad(var settings): settings.learningRate = newValue; self = .adagrad(settings)
            case .sgd(var settings): settings.learningRate = newValue; self = .sgd(settings)
            }
        }
    }
}
