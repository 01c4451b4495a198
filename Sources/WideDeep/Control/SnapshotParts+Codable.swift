// The wire form of the snapshot's parts (docs/control-protocol.md). Written by hand because Swift
// only synthesizes Codable in the file that declares a type, and TrainingSnapshot.swift is left
// to the session's owners. Field names are the Swift property names.

extension LossPoint: Codable {
    /// A loss point is the bulk of a snapshot: sent as `[step, examples, loss]`.
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        self.init(step: try c.decode(Int.self), examples: try c.decode(Int.self), loss: try c.decode(Double.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(step)
        try c.encode(examples)
        try c.encode(loss)
    }
}

extension ValidationPoint: Codable {
    private enum Key: String, CodingKey { case step, epoch, examples, metrics }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(step: try c.decode(Int.self, forKey: .step), epoch: try c.decode(Int.self, forKey: .epoch),
                  examples: try c.decode(Int.self, forKey: .examples),
                  metrics: try c.decode(EvaluationMetrics.self, forKey: .metrics))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(step, forKey: .step)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(examples, forKey: .examples)
        try c.encode(metrics, forKey: .metrics)
    }
}

extension LoadingProgress: Codable {
    private enum Key: String, CodingKey { case file, rowsRead, rowsSkipped, fraction }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(file: try c.decode(String.self, forKey: .file), rowsRead: try c.decode(Int.self, forKey: .rowsRead),
                  rowsSkipped: try c.decode(Int.self, forKey: .rowsSkipped),
                  fraction: try c.decode(Double.self, forKey: .fraction))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(file, forKey: .file)
        try c.encode(rowsRead, forKey: .rowsRead)
        try c.encode(rowsSkipped, forKey: .rowsSkipped)
        try c.encode(fraction, forKey: .fraction)
    }
}

extension WideStatistics: Codable {
    private enum Key: String, CodingKey { case nonzero, touched, total, groups, sparsityHistory, bias }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(nonzero: try c.decode(Int.self, forKey: .nonzero), touched: try c.decode(Int.self, forKey: .touched),
                  total: try c.decode(Int.self, forKey: .total),
                  groups: try c.decode([WideGroupStatistics].self, forKey: .groups),
                  sparsityHistory: try c.decode([Double].self, forKey: .sparsityHistory),
                  bias: try c.decode(Double.self, forKey: .bias))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(nonzero, forKey: .nonzero)
        try c.encode(touched, forKey: .touched)
        try c.encode(total, forKey: .total)
        try c.encode(groups, forKey: .groups)
        try c.encode(sparsityHistory, forKey: .sparsityHistory)
        try c.encode(bias, forKey: .bias)
    }
}

extension WideGroupStatistics: Codable {
    private enum Key: String, CodingKey { case name, nonzero, touched }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(name: try c.decode(String.self, forKey: .name), nonzero: try c.decode(Int.self, forKey: .nonzero),
                  touched: try c.decode(Int.self, forKey: .touched))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: .name)
        try c.encode(nonzero, forKey: .nonzero)
        try c.encode(touched, forKey: .touched)
    }
}

/// Already `Encodable` where it is declared (its synthesized keys are these names).
extension EmbeddingFieldStatistics: Decodable {
    private enum Key: String, CodingKey { case field, rows, rowsTouched, meanNorm, maxNorm, normPercentiles }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(field: try c.decode(String.self, forKey: .field), rows: try c.decode(Int.self, forKey: .rows),
                  rowsTouched: try c.decode(Int.self, forKey: .rowsTouched),
                  meanNorm: try c.decode(Double.self, forKey: .meanNorm),
                  maxNorm: try c.decode(Double.self, forKey: .maxNorm),
                  normPercentiles: try c.decode([Double].self, forKey: .normPercentiles))
    }
}

extension DenseLayerStatistics: Codable {
    private enum Key: String, CodingKey { case name, inputs, outputs, weightNorm, gradientNorm, deadFraction }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(name: try c.decode(String.self, forKey: .name), inputs: try c.decode(Int.self, forKey: .inputs),
                  outputs: try c.decode(Int.self, forKey: .outputs),
                  weightNorm: try c.decode(Double.self, forKey: .weightNorm),
                  gradientNorm: try c.decode(Double.self, forKey: .gradientNorm),
                  deadFraction: try c.decodeIfPresent(Double.self, forKey: .deadFraction))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: .name)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(outputs, forKey: .outputs)
        try c.encode(weightNorm, forKey: .weightNorm)
        try c.encode(gradientNorm, forKey: .gradientNorm)
        try c.encodeIfPresent(deadFraction, forKey: .deadFraction)
    }
}

extension HyperparameterValue: Codable {
    private enum Key: String, CodingKey { case parameter, value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(parameter: try c.decode(Hyperparameter.self, forKey: .parameter),
                  value: try c.decode(Double.self, forKey: .value))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(parameter, forKey: .parameter)
        try c.encode(value, forKey: .value)
    }
}

extension RunMarker.Kind: Codable {}

extension RunMarker: Codable {
    private enum Key: String, CodingKey { case examples, step, kind }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(examples: try c.decode(Int.self, forKey: .examples), step: try c.decode(Int.self, forKey: .step),
                  kind: try c.decode(Kind.self, forKey: .kind))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(examples, forKey: .examples)
        try c.encode(step, forKey: .step)
        try c.encode(kind, forKey: .kind)
    }
}

extension RunEvent: Codable {
    private enum Key: String, CodingKey { case step, seconds, kind, message }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(step: try c.decode(Int.self, forKey: .step), seconds: try c.decode(Double.self, forKey: .seconds),
                  kind: try c.decode(Kind.self, forKey: .kind), message: try c.decode(String.self, forKey: .message))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(step, forKey: .step)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(kind, forKey: .kind)
        try c.encode(message, forKey: .message)
    }
}
