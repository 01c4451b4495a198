/// The deep part's optimizer with its settings: AdaGrad (Duchi et al. 2011, the paper's choice),
/// Adam, SGD or RMSProp. FTRL is the wide part's alone, so it cannot be written here.
public enum DeepOptimizerSettings: Sendable, Equatable {
    case adagrad(AdaGrad)
    case adam(Adam)
    case sgd(SGD)
    case rmsprop(RMSProp)

    public var name: DeepOptimizerName {
        switch self {
        case .adagrad: .adagrad
        case .adam: .adam
        case .sgd: .sgd
        case .rmsprop: .rmsprop
        }
    }

    /// The rule the settings describe (its state and its steps).
    var rule: any DeepOptimizerRule {
        switch self {
        case .adagrad(let settings): settings
        case .adam(let settings): settings
        case .sgd(let settings): settings
        case .rmsprop(let settings): settings
        }
    }

    /// Every deep optimizer has one; a live hyperparameter.
    public var learningRate: Double {
        get { rule.learningRate }
        set {
            switch self {
            case .adagrad(var settings): settings.learningRate = newValue; self = .adagrad(settings)
            case .adam(var settings): settings.learningRate = newValue; self = .adam(settings)
            case .sgd(var settings): settings.learningRate = newValue; self = .sgd(settings)
            case .rmsprop(var settings): settings.learningRate = newValue; self = .rmsprop(settings)
            }
        }
    }
}
