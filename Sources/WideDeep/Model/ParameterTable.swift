/// The model's state, declared once: every tensor it has, with its name, shape, dtype, the part
/// of the model it belongs to, its role and how a step reaches it, and accessors to its values.
/// Checkpoints, rollback copies, warm starts, `inspect`, replica averaging and the memory
/// estimate iterate it; no other code knows a tensor's name or works its shape out.
///
/// The names are the checkpoint format's (docs/checkpoints.md): `wide.<suffix>` with the wide
/// rule's suffixes (FTRL: `ftrl_z`, `ftrl_n`; AdaGrad/SGD: `weight`, `adagrad_accumulator`), `wide.group_of`,
/// `deep.embedding.<field>` and `.touched`, `deep.<layer>.weight` / `.bias`, and the deep
/// optimizer's state `<tensor>.<suffix>` with the rule's suffixes.
public struct ParameterTable: Sendable {
    public let entries: [ParameterEntry]
    /// The wide part's coordinate values (FTRL's z; AdaGrad's and SGD's weights) and its second
    /// state (FTRL's n, AdaGrad's accumulator; none for SGD).
    public let wideValues: ParameterEntry?
    public let wideAccumulator: ParameterEntry?

    init(entries: [ParameterEntry], wideValues: ParameterEntry? = nil, wideAccumulator: ParameterEntry? = nil) {
        self.entries = entries
        self.wideValues = wideValues
        self.wideAccumulator = wideAccumulator
    }

    public subscript(name: String) -> ParameterEntry? { entries.first { $0.name == name } }

    public var names: [String] { entries.map(\.name) }

    /// The entries of the deep optimizer's state (not the wide part's, which is its weights' storage).
    public var deepOptimizerState: [ParameterEntry] {
        entries.filter { if case .optimizerState = $0.role, $0.part != .wide { true } else { false } }
    }
}

public enum ParameterDType: String, Sendable, Equatable {
    case f32, u16, u8
}

/// Where in the model a tensor is.
public enum ParameterPart: Sendable, Equatable, Hashable {
    case wide
    case embedding(field: String)
    case dense(layer: String)

    public var isDeep: Bool { self != .wide }
}

public enum ParameterRole: Sendable, Equatable {
    /// Trained values a prediction reads.
    case weight
    /// Bookkeeping of training: `wide.group_of`, `deep.embedding.<field>.touched`.
    case bookkeeping
    /// An optimizer's state, with the values it may hold (FTRL's z and n, AdaGrad's accumulator,
    /// Adam's moments).
    case optimizerState(ValueDomain)
}

/// How a training step reaches a tensor.
public enum AccessPattern: Sendable, Equatable {
    /// Every element at every step (the dense layers).
    case dense
    /// Only the rows of `dim` values the minibatch used (the embedding tables).
    case sparseRows(dim: Int)
    /// Only the coordinates the minibatch's ids hit (the wide part).
    case perCoordinate
}

/// One tensor's values, in its dtype.
public enum ParameterValues: Sendable, Equatable {
    case f32([Float])
    case u16([UInt16])
    case u8([UInt8])

    public var count: Int {
        switch self {
        case .f32(let v): v.count
        case .u16(let v): v.count
        case .u8(let v): v.count
        }
    }

    public var dtype: ParameterDType {
        switch self {
        case .f32: .f32
        case .u16: .u16
        case .u8: .u8
        }
    }
}

public struct ParameterEntry: @unchecked Sendable {
    public let name: String
    public let shape: [Int]
    public let dtype: ParameterDType
    public let part: ParameterPart
    public let role: ParameterRole
    public let access: AccessPattern
    /// A copy of the values.
    public let read: () -> ParameterValues
    /// Sets the values (of `count` elements and this dtype: `ModelState` checks before writing).
    let write: (ParameterValues) -> Void
    /// A copy of the last step's gradient, where the step keeps a whole one (dense layers).
    public let gradient: (() -> [Float])?
    /// That gradient in place, for the exchange's sums between backward pass and update.
    let gradientBuffer: (() -> UnsafeMutableBufferPointer<Float>)?
    /// The values in place, for changes between minibatches (replica averaging); nil where the
    /// storage is not one plain float buffer (the wide part's interleaved coordinates).
    let buffer: (() -> UnsafeMutableBufferPointer<Float>)?

    init(name: String, shape: [Int], dtype: ParameterDType, part: ParameterPart, role: ParameterRole,
         access: AccessPattern, read: @escaping () -> ParameterValues, write: @escaping (ParameterValues) -> Void,
         gradient: (() -> UnsafeMutableBufferPointer<Float>)?, buffer: (() -> UnsafeMutableBufferPointer<Float>)?) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.part = part
        self.role = role
        self.access = access
        self.read = read
        self.write = write
        self.gradient = gradient.map { inPlace in { Array(inPlace()) } }
        gradientBuffer = gradient
        self.buffer = buffer
    }

    public var count: Int { shape.reduce(1, *) }

    public var isOptimizerState: Bool { if case .optimizerState = role { true } else { false } }

    /// The domain a float value must be in.
    public var domain: ValueDomain { if case .optimizerState(let domain) = role { domain } else { .real } }
}

extension WideDeepModel {
    /// Builds the table of this model's tensors, in checkpoint order: the wide part, then per
    /// embedding field and per layer the tensor and its optimizer state.
    func makeParameterTable() -> ParameterTable {
        var entries: [ParameterEntry] = []
        var wideValues: ParameterEntry?, wideAccumulator: ParameterEntry?
        if let wide {
            let shape = [wide.size + 1]
            // The rule declares what z and (if it keeps one) n are saved as.
            let tensors = wide.optimizer.rule.wideStateTensors
            let z = tensors[0]
            wideValues = ParameterEntry(name: Self.wideTensorName(z.suffix), shape: shape, dtype: .f32, part: .wide,
                                        role: z.role, access: .perCoordinate, read: { .f32(wide.z) },
                                        write: { if case .f32(let z) = $0 { wide.restore(z: z, n: nil) } },
                                        gradient: nil, buffer: nil)
            entries.append(wideValues!)
            if tensors.count > 1 {
                let n = tensors[1]
                wideAccumulator = ParameterEntry(name: Self.wideTensorName(n.suffix), shape: shape, dtype: .f32,
                                                 part: .wide, role: n.role, access: .perCoordinate,
                                                 read: { .f32(wide.n) },
                                                 write: { if case .f32(let n) = $0 { wide.restore(n: n) } },
                                                 gradient: nil, buffer: nil)
                entries.append(wideAccumulator!)
            }
            entries.append(ParameterEntry(name: "wide.group_of", shape: [wide.size], dtype: .u16, part: .wide,
                                          role: .bookkeeping, access: .perCoordinate, read: { .u16(wide.groupOf) },
                                          write: { if case .u16(let g) = $0 { wide.groupOf = g } },
                                          gradient: nil, buffer: nil))
        }
        let optimizer = deepOptimizer
        func optimizerState(of name: String, slot: Int, shape: [Int], part: ParameterPart,
                            access: AccessPattern) -> [ParameterEntry] {
            optimizer.stateTensors.enumerated().map { index, state in
                ParameterEntry(name: "\(name).\(state.suffix)", shape: shape, dtype: .f32, part: part,
                               role: .optimizerState(state.domain), access: access,
                               read: { .f32(optimizer.state(slot: slot)[index]) },
                               write: { if case .f32(let v) = $0 { optimizer.restoreState(slot: slot, index: index, values: v) } },
                               gradient: nil, buffer: { optimizer.stateBuffers(slot: slot)[index] })
            }
        }
        for (f, table) in tables.enumerated() {
            let name = Self.embeddingTensorName(table.field), part = ParameterPart.embedding(field: table.field)
            let shape = [table.rows, table.dim], access = AccessPattern.sparseRows(dim: table.dim)
            entries.append(ParameterEntry(name: name, shape: shape, dtype: .f32, part: part, role: .weight,
                                          access: access, read: { .f32(table.values) },
                                          write: { if case .f32(let v) = $0 { table.values = v } }, gradient: nil,
                                          buffer: { UnsafeMutableBufferPointer(start: table.pointer, count: table.count) }))
            entries += optimizerState(of: name, slot: tableSlots[f], shape: shape, part: part, access: access)
            entries.append(ParameterEntry(name: "\(name).touched", shape: [table.rows], dtype: .u8, part: part,
                                          role: .bookkeeping, access: access, read: { .u8(table.touched) },
                                          write: { if case .u8(let v) = $0 { table.touched = v } }, gradient: nil,
                                          buffer: nil))
        }
        for (l, layer) in layers.enumerated() {
            let part = ParameterPart.dense(layer: layer.name)
            let (weightName, biasName) = Self.denseTensorNames(layer.name)
            let weightShape = [layer.inputs, layer.outputs], biasShape = [layer.outputs]
            entries.append(ParameterEntry(name: weightName, shape: weightShape, dtype: .f32, part: part, role: .weight,
                                          access: .dense, read: { .f32(layer.weight) },
                                          write: { if case .f32(let v) = $0 { layer.weight = v } },
                                          gradient: { layer.weightGradient.withUnsafeMutableBufferPointer { $0 } },
                                          buffer: { layer.weight.withUnsafeMutableBufferPointer { $0 } }))
            entries += optimizerState(of: weightName, slot: layerSlots[l].weight, shape: weightShape, part: part,
                                      access: .dense)
            entries.append(ParameterEntry(name: biasName, shape: biasShape, dtype: .f32, part: part, role: .weight,
                                          access: .dense, read: { .f32(layer.bias) },
                                          write: { if case .f32(let v) = $0 { layer.bias = v } },
                                          gradient: { layer.biasGradient.withUnsafeMutableBufferPointer { $0 } },
                                          buffer: { layer.bias.withUnsafeMutableBufferPointer { $0 } }))
            entries += optimizerState(of: biasName, slot: layerSlots[l].bias, shape: biasShape, part: part,
                                      access: .dense)
        }
        return ParameterTable(entries: entries, wideValues: wideValues, wideAccumulator: wideAccumulator)
    }

    /// The name the wide part's state tensor of `suffix` (its rule's) is saved under.
    static func wideTensorName(_ suffix: String) -> String { "wide.\(suffix)" }

    /// The names the deep optimizer's tensors are registered under (its state is `<name>.<suffix>`).
    static func embeddingTensorName(_ field: String) -> String { "deep.embedding.\(field)" }
    static func denseTensorNames(_ layer: String) -> (weight: String, bias: String) {
        ("deep.\(layer).weight", "deep.\(layer).bias")
    }
}
