import Foundation
import SafeTensors

/// A checkpoint read back and fully validated: a model ready to predict or to continue training.
public struct LoadedCheckpoint: @unchecked Sendable {
    public var path: String
    public var config: RunConfig
    public var layout: FeatureLayout
    public var model: WideDeepModel
    public var step: Int
    public var epoch: Int
    public var examples: Int
    public var position: DataPosition
    public var generator: SeededGenerator
    public var hyperparameters: [String: Double]
    public var metadata: [String: String]
    public var wideNames: [UInt32: String]
    public var file: SafeTensorsFile

    /// Reads and validates everything before building anything: the safetensors structure and
    /// checksums (SafeTensors module), the format name and version, the config and layout JSON,
    /// every tensor's dtype and size against the layout, finiteness. Any failure throws; nothing
    /// half-loaded is returned.
    public static func load(path: String) throws -> LoadedCheckpoint {
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: path))
        } catch let error as SafeTensorsError {
            throw CheckpointError(path: path, "not a readable checkpoint: \(error)")
        }
        let meta = file.metadata
        guard meta["format"] == Checkpoint.formatName else {
            throw CheckpointError(path: path, "a safetensors file, but not a wdl checkpoint (metadata 'format' is \(meta["format"].map { "'\($0)'" } ?? "absent"))")
        }
        guard let version = meta["format_version"].flatMap(Int.init) else {
            throw CheckpointError(path: path, "metadata 'format_version' is missing or not a number")
        }
        guard version <= Checkpoint.formatVersion else {
            throw CheckpointError(path: path, "format version \(version) is newer than this wdl reads (up to \(Checkpoint.formatVersion)); update wdl")
        }
        let decoder = JSONDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            guard let text = meta[key] else { throw CheckpointError(path: path, "metadata '\(key)' is missing") }
            do { return try decoder.decode(type, from: Data(text.utf8)) } catch {
                throw CheckpointError(path: path, "metadata '\(key)' is not valid: \(error)")
            }
        }
        func integer(_ key: String) throws -> Int {
            guard let value = meta[key].flatMap(Int.init), value >= 0 else {
                throw CheckpointError(path: path, "metadata '\(key)' is missing or not a non-negative integer")
            }
            return value
        }
        let config = try decode(RunConfig.self, "config")
        let layout = try decode(FeatureLayout.self, "layout")
        guard layout.embeddingDim == config.model.embeddingDim,
              layout.embeddingRows.count == layout.schema.allCategorical.count else {
            throw CheckpointError(path: path, "the feature layout does not match the config")
        }
        let hyperparameters = try decode([String: Double].self, "hyperparameters")
        let names = try decode([String: String].self, "wide_names")
        guard let rng = Checkpoint.parseWords(meta["rng_state"]), let epochStart = Checkpoint.parseWords(meta["epoch_start_rng"]) else {
            throw CheckpointError(path: path, "metadata 'rng_state' or 'epoch_start_rng' is not four hex words")
        }
        let step = try integer("step"), epoch = try integer("epoch"), examples = try integer("examples")
        let offset = try integer("epoch_offset"), optimizerSteps = try integer("deep_optimizer_steps")

        var state = ModelState()
        state.deepOptimizerSteps = optimizerSteps
        for name in file.names {
            let tensor = try file.tensor(named: name)
            switch tensor.dtype {
            case .f32:
                let values = try tensor.floats()
                if let bad = tensor.firstNonFiniteIndex {
                    throw CheckpointError(path: path, "tensor '\(name)' holds a NaN or infinite value at index \(bad)")
                }
                state.floats[name] = values
            case .u16: state.uint16[name] = try tensor.values(as: UInt16.self)
            case .u8: state.uint8[name] = try tensor.uint8s()
            default:
                throw CheckpointError(path: path, "tensor '\(name)' has dtype \(tensor.dtype.rawValue), which no wdl tensor has")
            }
        }
        // Hyperparameters in force when saved (they may have been changed live).
        let modelConfig = config.applying(hyperparameters: hyperparameters)
        let model = WideDeepModel(layout: layout, config: modelConfig)
        let expected = Set(model.expectedTensorSizes().keys)
        if let extra = Set(file.names).subtracting(expected).sorted().first {
            throw CheckpointError(path: path, "tensor '\(extra)' does not belong to a \(config.model.mode.rawValue) model of this layout")
        }
        do { try model.restoreState(state) } catch {
            throw CheckpointError(path: path, "\(error)")
        }
        var wideNames: [UInt32: String] = [:]
        for (key, value) in names { if let id = UInt32(key) { wideNames[id] = value } }
        return LoadedCheckpoint(path: path, config: modelConfig, layout: layout, model: model, step: step, epoch: epoch,
                                examples: examples,
                                position: DataPosition(epochOffset: offset, epochStartGenerator: SeededGenerator(state: epochStart)),
                                generator: SeededGenerator(state: rng), hyperparameters: hyperparameters,
                                metadata: meta, wideNames: wideNames, file: file)
    }
}

/// Where a run is in its data order: the generator state the current epoch's shuffle was drawn
/// from, and how many examples of the epoch are done. Enough to redraw the same order on resume.
public struct DataPosition: Sendable {
    public var epochOffset: Int
    public var epochStartGenerator: SeededGenerator

    public init(epochOffset: Int, epochStartGenerator: SeededGenerator) {
        self.epochOffset = epochOffset
        self.epochStartGenerator = epochStartGenerator
    }
}
