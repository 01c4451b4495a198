extension RunConfig {
    /// This config with live hyperparameter values (keyed by `Hyperparameter.rawValue`) in force.
    public func applying(hyperparameters values: [String: Double]) -> RunConfig {
        var config = self
        for (key, value) in values {
            switch Hyperparameter(rawValue: key) {
            case .deepLearningRate: config.optim.deep.lr = value
            case .ftrlAlpha: config.optim.wide.alpha = value
            case .ftrlBeta: config.optim.wide.beta = value
            case .ftrlL1: config.optim.wide.l1 = value
            case .ftrlL2: config.optim.wide.l2 = value
            case nil: break
            }
        }
        return config
    }
}
