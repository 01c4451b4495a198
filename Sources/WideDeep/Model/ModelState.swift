/// A full copy of a model's trainable state and optimizer state, taken between minibatches:
/// the last good state kept for rolling back after a divergence, and what checkpoints save.
public struct ModelState: Sendable {
    /// Parameters and optimizer state by the parameter table's tensor names.
    public var floats: [String: [Float]] = [:]
    /// Bookkeeping (the table's `.bookkeeping` entries: feature group per wide coordinate, touched rows).
    public var uint16: [String: [UInt16]] = [:]
    public var uint8: [String: [UInt8]] = [:]
    /// Each tensor's shape, from the model's `ParameterTable` (what checkpoints save it with).
    public var shapes: [String: [Int]] = [:]
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

extension ModelState {
    /// The entry's values in this state, if it holds them in the entry's dtype.
    func values(of entry: ParameterEntry) -> ParameterValues? {
        switch entry.dtype {
        case .f32: floats[entry.name].map(ParameterValues.f32)
        case .u16: uint16[entry.name].map(ParameterValues.u16)
        case .u8: uint8[entry.name].map(ParameterValues.u8)
        }
    }

    mutating func set(_ name: String, _ values: ParameterValues) {
        switch values {
        case .f32(let v): floats[name] = v
        case .u16(let v): uint16[name] = v
        case .u8(let v): uint8[name] = v
        }
    }
}

extension WideDeepModel {
    /// Copies the whole state.
    public func captureState() -> ModelState {
        var state = ModelState()
        for entry in parameters.entries {
            state.set(entry.name, entry.read())
            state.shapes[entry.name] = entry.shape
        }
        state.deepOptimizerSteps = deepOptimizer.steps
        return state
    }

    /// What a state must hold for this model: tensor name → element count.
    public func expectedTensorSizes() -> [String: Int] {
        Dictionary(uniqueKeysWithValues: parameters.entries.map { ($0.name, $0.count) })
    }

    /// Restores a state captured from a model of the same layout. Every tensor is checked before
    /// anything is changed, so a mismatch leaves the model as it was.
    public func restoreState(_ state: ModelState) throws {
        var values: [ParameterValues] = []
        for entry in parameters.entries {
            let actual = state.floats[entry.name]?.count ?? state.uint16[entry.name]?.count ?? state.uint8[entry.name]?.count
            guard let actual else { throw StateError.missing(entry.name) }
            guard actual == entry.count else { throw StateError.sizeMismatch(entry.name, expected: entry.count, actual: actual) }
            guard let stored = state.values(of: entry) else { throw StateError.missing(entry.name) }
            values.append(stored)
        }
        for (entry, stored) in zip(parameters.entries, values) { entry.write(stored) }
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
