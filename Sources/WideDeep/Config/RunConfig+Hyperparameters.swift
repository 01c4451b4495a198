extension RunConfig {
    /// This config with live hyperparameter values (keyed by `Hyperparameter.rawValue`) in force;
    /// unknown keys are ignored.
    public func applying(hyperparameters values: [String: Double]) -> RunConfig {
        var config = self
        for (key, value) in values {
            Hyperparameter(rawValue: key)?.set(value, in: &config)
        }
        return config
    }
}
