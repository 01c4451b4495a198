import Foundation

/// The memory a run's model needs, from its config alone (docs/memory.md gives the per-part
/// formulas), so that a model one machine cannot hold is refused before anything is allocated,
/// with the figure and the values to lower. Embedding tables are counted at their largest
/// (`embedding_buckets` rows per field): the data that sizes them is not read yet. The fields
/// counted are the ones trained: a criteo config without column lists trains all 39 columns.
public struct MemoryEstimate: Sendable, Equatable {
    public var wideBytes: Double
    public var embeddingBytes: Double
    /// The dense tower's weights and biases with their optimizer state and their gradients.
    public var denseBytes: Double
    /// The buffers of one minibatch (`ModelWorkspace`, the embedding gradients): each layer's
    /// activations and their gradients, B × width floats twice, the wide and total logits, and
    /// per categorical field B rows' gradients (dim floats) and row numbers.
    public var activationBytes: Double
    /// The copies of the model's state a run may hold at once (z, n and group per wide
    /// coordinate, the deep tensors with their optimizer state): the rollback point's always; the
    /// best state's with early stopping or checkpoints; a save's in flight with checkpoints.
    public var stateCopyBytes: Double

    public init(config: RunConfig, checkpointing: Bool) {
        let mode = config.model.mode
        let coordinates = Double(config.features.hashBuckets) + 1
        wideBytes = mode.hasWide ? 16 * coordinates : 0
        // The value and the deep optimizer rule's state tensors, 4 bytes each.
        let perValue = 4 * Double(1 + config.optim.deep.settings.rule.stateTensors.count)
        // The schema resolves what the lists leave out (criteo: every column); a config whose
        // columns contradict each other fails its own check later, counted here as listed.
        let schema = try? DataSchema(config: config)
        let fields = Double(schema?.allCategorical.count ?? config.features.categorical.count + config.features.multiValued.count)
        let numerics = Double(schema?.numeric.count ?? config.features.numeric.count)
        let rows = Double(config.features.embeddingBuckets)
        let dim = Double(config.model.embeddingDim)
        embeddingBytes = mode.hasDeep ? fields * rows * (dim * perValue + 5) : 0
        let widths = [fields * dim + numerics] + config.model.hidden.map(Double.init) + [1]
        let parameters = zip(widths, widths.dropFirst()).reduce(0.0) { $0 + $1.0 * $1.1 + $1.1 }
        let denseState = mode.hasDeep ? parameters * perValue : 0
        denseBytes = mode.hasDeep ? denseState + 4 * parameters : 0
        let batch = Double(config.train.batchSize)
        activationBytes = 4 * batch * (2 + (mode.hasDeep ? 2 * widths.reduce(0, +) + fields * (dim + 1) : 0))
        let copy = (mode.hasWide ? 10 * coordinates : 0) + embeddingBytes + denseState
        let keepsBest = config.train.earlyStop > 0 || checkpointing
        stateCopyBytes = copy * (1 + (keepsBest ? 1 : 0) + (checkpointing ? 1 : 0))
    }

    public var totalBytes: Double { wideBytes + embeddingBytes + denseBytes + activationBytes + stateCopyBytes }

    /// The machine's memory (MemTotal of /proc/meminfo); nil where it cannot be read.
    public static func machineBytes() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return nil }
        return kilobytes * 1024
    }

    /// Throws when the run needs more than `fraction` of `machineBytes` (the rest is left to
    /// the training rows, the system and other programs), naming the largest part and what to
    /// lower for it.
    public func check(machineBytes: Double?, fraction: Double = 0.9) throws {
        guard let machineBytes, totalBytes > fraction * machineBytes else { return }
        let model = [(wideBytes, "wide part", "features.hash_buckets (--hash-buckets)"),
                     (embeddingBytes, "embeddings", "features.embedding_buckets or model.embedding_dim (--embedding-dim)"),
                     (denseBytes, "dense tower", "model.hidden (--hidden)")]
        // The state copies are copies of the model: lowering its largest part lowers them.
        let largestModelPart = model.max { $0.0 < $1.0 }!
        let parts = model + [(activationBytes, "activations", "train.batch_size (--batch-size) or model.hidden (--hidden)"),
                             (stateCopyBytes, "state copies", largestModelPart.2)]
        let largest = parts.max { $0.0 < $1.0 }!
        throw ConfigError(key: "memory", String(format: "the run needs about %.1f GB (wide %.1f GB, embeddings %.1f GB, dense %.1f GB, activations %.1f GB, state copies %.1f GB), more than this machine's %.1f GB can hold; the largest part is the %@ (%.1f GB): lower %@",
                                                totalBytes / 1e9, wideBytes / 1e9, embeddingBytes / 1e9, denseBytes / 1e9,
                                                activationBytes / 1e9, stateCopyBytes / 1e9, machineBytes / 1e9,
                                                largest.1, largest.0 / 1e9, largest.2))
    }
}
