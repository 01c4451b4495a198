/// A full copy of a model's trainable state and optimizer state, taken between minibatches:
/// the last good state kept for rolling back after a divergence, and what checkpoints save.
public struct ModelState: Sendable {
    /// Parameters and optimizer state by tensor name (`wide.ftrl_z`, `deep.dense0.weight`, …).
    public var floats: [String: [Float]] = [:]
    /// Bookkeeping: `wide.group_of` (feature group per coordinate) and `deep.embedding.X.touched`.
    public var uint16: [String: [UInt16]] = [:]
    public var uint8: [String: [UInt8]] = [:]
    /// The deep optimizer's step count (Adam's t).
    public var deepOptimizerSteps: Int = 0

    public init() {}

    /// The first tensor holding a NaN or an infinity, if any.
    public var firstNonFiniteTensor: String? {
        floats.keys.sorted().first { name in !floats[name]!.allSatisfy(\.isFinite) }
    }

    public var byteCount: Int {
        floats.values.reduce(0) { $0 + $1.count * 4 } + uint16.values.reduce(0) { $0 + $1.count * 2 }
            + uint8.values.reduce(0) { $0 + $1.count }
    }
}

extension WideDeepModel {
    /// Names of the wide part's two state tensors, after its optimizer.
    var wideTensorNames: (String, String) {
        switch wide?.kind {
        case .adagrad: ("wide.weight", "wide.adagrad_accumulator")
        case .sgd: ("wide.weight", "wide.unused")
        case .ftrl, nil: ("wide.ftrl_z", "wide.ftrl_n")
        }
    }

    /// Copies the whole state.
    public func captureState() -> ModelState {
        var state = ModelState()
        if let wide {
            let (zName, nName) = wideTensorNames
            state.floats[zName] = wide.z
            if wide.kind != .sgd { state.floats[nName] = wide.n }
            state.uint16["wide.group_of"] = wide.groupOf
        }
        for table in tables {
            state.floats["deep.embedding.\(table.field)"] = table.values
            state.uint8["deep.embedding.\(table.field).touched"] = table.touched
        }
        for layer in layers {
            state.floats["deep.\(layer.name).weight"] = layer.weight
            state.floats["deep.\(layer.name).bias"] = layer.bias
        }
        for (name, values) in deepOptimizer.stateTensors() { state.floats[name] = values }
        state.deepOptimizerSteps = deepOptimizer.steps
        return state
    }

    /// What a state must hold for this model: tensor name → element count.
    public func expectedTensorSizes() -> [String: Int] {
        var sizes: [String: Int] = [:]
        if let wide {
            let (zName, nName) = wideTensorNames
            sizes[zName] = wide.z.count
            if wide.kind != .sgd { sizes[nName] = wide.n.count }
            sizes["wide.group_of"] = wide.groupOf.count
        }
        for table in tables {
            sizes["deep.embedding.\(table.field)"] = table.count
            sizes["deep.embedding.\(table.field).touched"] = table.touched.count
        }
        for layer in layers {
            sizes["deep.\(layer.name).weight"] = layer.weight.count
            sizes["deep.\(layer.name).bias"] = layer.bias.count
        }
        for (slot, name) in deepOptimizer.names.enumerated() {
            switch deepOptimizer.kind {
            case .adagrad: sizes["\(name).adagrad_accumulator"] = deepOptimizer.stateCount(slot: slot)
            case .adam:
                sizes["\(name).adam_m"] = deepOptimizer.stateCount(slot: slot)
                sizes["\(name).adam_v"] = deepOptimizer.stateCount(slot: slot)
            case .sgd: break
            }
        }
        return sizes
    }

    /// Restores a state captured from a model of the same layout. Every tensor is checked before
    /// anything is changed, so a mismatch leaves the model as it was.
    public func restoreState(_ state: ModelState) throws {
        for (name, count) in expectedTensorSizes() {
            let actual = state.floats[name]?.count ?? state.uint16[name]?.count ?? state.uint8[name]?.count
            guard let actual else { throw StateError.missing(name) }
            guard actual == count else { throw StateError.sizeMismatch(name, expected: count, actual: actual) }
        }
        if let wide {
            let (zName, nName) = wideTensorNames
            wide.restore(z: state.floats[zName]!, n: wide.kind == .sgd ? nil : state.floats[nName]!)
            wide.groupOf = state.uint16["wide.group_of"]!
        }
        for table in tables {
            table.values = state.floats["deep.embedding.\(table.field)"]!
            table.touched = state.uint8["deep.embedding.\(table.field).touched"]!
        }
        for layer in layers {
            layer.weight = state.floats["deep.\(layer.name).weight"]!
            layer.bias = state.floats["deep.\(layer.name).bias"]!
        }
        for (slot, name) in deepOptimizer.names.enumerated() {
            switch deepOptimizer.kind {
            case .adagrad: deepOptimizer.restoreState(slot: slot, first: state.floats["\(name).adagrad_accumulator"]!, second: [])
            case .adam:
                deepOptimizer.restoreState(slot: slot, first: state.floats["\(name).adam_m"]!,
                                           second: state.floats["\(name).adam_v"]!)
            case .sgd: break
            }
        }
        deepOptimizer.setSteps(state.deepOptimizerSteps)
    }

    public enum StateError: Error, CustomStringConvertible, Equatable {
        case missing(String)
        case sizeMismatch(String, expected: Int, actual: Int)

        public var description: String {
            switch self {
            case .missing(let name): "tensor '\(name)' is missing"
            case .sizeMismatch(let name, let expected, let actual):
                "tensor '\(name)' has \(actual) values where the model's layout needs \(expected)"
            }
        }
    }
}
