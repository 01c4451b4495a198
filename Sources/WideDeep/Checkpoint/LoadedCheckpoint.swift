import Foundation
import SafeTensors

/// A checkpoint read back and fully validated: a model ready to predict or to continue training.
/// Sendable: a value handed over whole once loading has finished (it holds a model, not Sendable).
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

    /// Reads and validates everything before returning anything: the safetensors structure and
    /// checksums (SafeTensors module), the format name and version, the config and layout JSON,
    /// every tensor's dtype, size and shape against the layout, and `CheckpointIntegrity`'s checks
    /// (checksums present, metadata checksum, counters, recorded config, the layout against what
    /// fitting can produce for that config, tensor domains). Any
    /// failure throws; nothing half-loaded is returned.
    ///
    /// The header (metadata, tensor list) is read and checked first; the model's construction,
    /// which only needs the config and layout, then overlaps the reading and checksumming of the
    /// tensors (most of a large checkpoint's load time otherwise).
    public static func load(path: String) throws -> LoadedCheckpoint {
        if let problem = InputFile.problem(with: path) { throw CheckpointError(path: path, problem) }
        let url = URL(fileURLWithPath: path)
        let header: SafeTensorsHeader
        do {
            header = try SafeTensorsFile.readHeader(of: url)
        } catch let error as SafeTensorsError {
            throw CheckpointError.unreadable(path, error)
        }
        let meta = header.metadata
        guard meta["format"] == Checkpoint.formatName else {
            throw CheckpointError(path: path, "a safetensors file, but not a wdl checkpoint (metadata 'format' is \(meta["format"].map { "'\($0)'" } ?? "absent"))")
        }
        guard let version = meta["format_version"].flatMap(Int.init) else {
            throw CheckpointError(path: path, "metadata 'format_version' is missing or not a number")
        }
        guard version <= Checkpoint.formatVersion else {
            throw CheckpointError(path: path, "format version \(version) is newer than this wdl reads (up to \(Checkpoint.formatVersion)); update wdl")
        }
        try CheckpointIntegrity.checkHeader(header, version: version, path: path)
        let decoder = JSONDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            guard let text = meta[key] else { throw CheckpointError(path: path, "metadata '\(key)' is missing") }
            do { return try decoder.decode(type, from: Data(text.utf8)) } catch {
                throw CheckpointError(path: path, "metadata '\(key)' is not valid: \(error)")
            }
        }
        func integer(_ key: String) throws -> Int { try CheckpointIntegrity.counter(meta, key, path: path) }
        let config = try decode(RunConfig.self, "config")
        let layout = try decode(FeatureLayout.self, "layout")
        guard layout.embeddingDim == config.model.embeddingDim,
              layout.embeddingRows.count == layout.schema.allCategorical.count else {
            throw CheckpointError(path: path, "the feature layout does not match the config")
        }
        guard (1...(1 << 30)).contains(layout.hashBuckets), (1...1024).contains(layout.embeddingDim),
              layout.embeddingRows.allSatisfy({ (1...(1 << 26)).contains($0) }),
              config.model.hidden.allSatisfy({ (1...65_536).contains($0) }), (1...65_536).contains(config.train.batchSize) else {
            throw CheckpointError(path: path, "the feature layout or model sizes in the metadata are out of range")
        }
        try CheckpointIntegrity.checkConfig(config, layout: layout, metadata: meta, path: path)
        let hyperparameters = try decode([String: Double].self, "hyperparameters")
        let names = try decode([String: String].self, "wide_names")
        guard let rng = Checkpoint.parseWords(meta["rng_state"]), let epochStart = Checkpoint.parseWords(meta["epoch_start_rng"]) else {
            throw CheckpointError(path: path, "metadata 'rng_state' or 'epoch_start_rng' is not four hex words")
        }
        // xoshiro's all-zero state yields zeros for ever (an unshuffled order, no dropout); seeding
        // never produces it.
        for (key, words) in [("rng_state", rng), ("epoch_start_rng", epochStart)] where words == (0, 0, 0, 0) {
            throw CheckpointError(path: path, "metadata '\(key)' is the all-zero generator state, which no seeded run reaches")
        }
        let step = try integer("step"), epoch = try integer("epoch"), examples = try integer("examples")
        let offset = try integer("epoch_offset"), optimizerSteps = try integer("deep_optimizer_steps")

        // The file must hold at least every parameter its layout claims; checked before the model
        // is built, so that a forged layout cannot make it allocate without bound.
        let stored = header.tensors.reduce(0.0) { $0 + Double($1.byteCount / $1.dtype.size) }
        guard parameterEstimate(config: config, layout: layout) <= stored else {
            throw CheckpointError(path: path, "the layout in the metadata describes more parameters than the file's tensors hold")
        }
        // Hyperparameters in force when saved (they may have been changed live), checked as a config's.
        let modelConfig = config.applying(hyperparameters: hyperparameters)
        for parameter in Hyperparameter.allCases {
            if let message = parameter.validate(modelConfig) {
                throw CheckpointError(path: path, "metadata 'hyperparameters': \(message)")
            }
        }
        let built = ModelUnderConstruction()
        let building = DispatchGroup()
        DispatchQueue.global(qos: .userInitiated).async(group: building) {
            built.model = WideDeepModel(layout: layout, config: modelConfig, randomInit: false)
        }
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            building.wait()
            if let error = error as? SafeTensorsError { throw CheckpointError.unreadable(path, error) }
            throw error
        }
        building.wait()
        guard file.metadata == meta else {
            throw CheckpointError(path: path, "the file was replaced while it was being read; load it again")
        }
        let model = built.model!
        let table = model.parameters
        if let extra = Set(file.names).subtracting(table.names).sorted().first {
            throw CheckpointError(path: path, "tensor '\(extra)' does not belong to a \(config.model.mode.rawValue) model of this layout")
        }
        var state = ModelState()
        state.deepOptimizerSteps = optimizerSteps
        for name in file.names {
            let tensor = try file.tensor(named: name)
            let entry = table[name]!
            let dtype = Checkpoint.dtype(of: entry)
            guard tensor.dtype == dtype else {
                throw CheckpointError(path: path, "tensor '\(name)' has dtype \(tensor.dtype.rawValue) where a wdl checkpoint has \(dtype.rawValue)")
            }
            guard tensor.elementCount == entry.count else {
                throw CheckpointError(path: path, "tensor '\(name)' has \(tensor.elementCount) values where the model's layout needs \(entry.count)")
            }
            // Bookkeeping tensors (U16, U8) are saved flat.
            let shape = dtype == .f32 ? entry.shape : [entry.count]
            guard tensor.shape == shape else {
                throw CheckpointError(path: path, "tensor '\(name)' has shape \(tensor.shape) where the model's layout needs \(shape)")
            }
            state.shapes[name] = entry.shape
            switch dtype {
            case .u16:
                let values = try tensor.values(as: UInt16.self)
                try CheckpointIntegrity.checkGroups(name, values, groups: layout.wideGroupNames.count, path: path)
                state.uint16[name] = values
            case .u8:
                let values = try tensor.uint8s()
                try CheckpointIntegrity.checkFlags(name, values, path: path)
                state.uint8[name] = values
            default:
                let values = try tensor.floats()
                try CheckpointIntegrity.checkDomain(name, values, domain: entry.domain, path: path)
                state.floats[name] = values
            }
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

/// Holds the model built on another thread while the tensors are read (the group's wait orders
/// the accesses).
private final class ModelUnderConstruction: @unchecked Sendable {
    var model: WideDeepModel?
}

/// Parameters a model of this layout has (Double: a forged layout may overflow Int).
private func parameterEstimate(config: RunConfig, layout: FeatureLayout) -> Double {
    var total = 0.0
    if config.model.mode.hasWide { total += Double(layout.hashBuckets) + 1 }
    if config.model.mode.hasDeep {
        total += layout.embeddingRows.reduce(0.0) { $0 + Double($1) * Double(layout.embeddingDim) }
        let widths = [Double(layout.schema.allCategorical.count) * Double(layout.embeddingDim) + Double(layout.numeric.count)]
            + config.model.hidden.map(Double.init) + [1]
        for l in 0..<(widths.count - 1) { total += widths[l] * widths[l + 1] + widths[l + 1] }
    }
    return total
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
