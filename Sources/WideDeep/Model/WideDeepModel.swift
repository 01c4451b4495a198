import CProcessorHints
import Dispatch
import Foundation

/// The joint Wide & Deep model (Cheng et al. 2016, eq. 3):
///
///     P(y = 1 | x) = σ(w_wideᵀ[x, φ(x)] + w_deepᵀ a_final + b)
///
/// One logistic loss, back-propagated into both parts at every minibatch, each part with its own
/// optimizer (FTRL for the wide part, AdaGrad for the deep part by default). The loss of a
/// minibatch is the SUM of its examples' losses (TF1's canned estimators' reduction), so a
/// minibatch step of a per-coordinate optimizer is close to the online per-example step the FTRL
/// paper describes; AdaGrad and Adam are nearly invariant to that scale, SGD is not.
///
/// Deep part shapes (B = batch, F = categorical fields, d = embedding dim, N = numerics):
/// x0 [B × (F·d + N)] = concat(embeddings, standardized numerics) → ReLU layers → logit [B].
/// Sendable: one owner at a time, handed over whole; a step's parallel tasks write disjoint tensors and rows (docs/dev/concurrency.md).
public final class WideDeepModel: @unchecked Sendable {
    public let layout: FeatureLayout
    public let mode: ModelMode
    public let wide: WideLinear?
    public let tables: [EmbeddingTable]
    /// Hidden ReLU layers, then the 1-unit output layer.
    public let layers: [DenseLayer]
    public let deepOptimizer: DeepOptimizer
    var tableSlots: [Int] = []
    var layerSlots: [(weight: Int, bias: Int)] = []
    /// Every tensor of the model's state, declared once (`ParameterTable`).
    public private(set) var parameters = ParameterTable(entries: [])
    var workspace: ModelWorkspace
    /// When set, `trainStep` charges its time to the profile's phases.
    public var profile: StepProfile?
    /// Dropout and L2 of the deep part (live: read at every step).
    public var regularization: DeepRegularization
    /// Minibatches trained so far (a resumed model is told its run's step count): with
    /// `dropoutSeed`, it picks each step's dropout masks.
    public var stepsTrained = 0
    let dropoutSeed: UInt64
    /// The step's parameter updates (`updateTasks`), fixed by the model's shape.
    var stepTasks: [UpdateTask] = []
    /// Each table's values, for the forward pass's reads (fixed for the table's life).
    private var tablePointers: [UnsafePointer<Float>] = []

    /// A model with fresh parameters drawn from `config.train.seed`; with `randomInit` false the
    /// embedding tables start at zero, for a model whose state is restored right away.
    public init(layout: FeatureLayout, config: RunConfig, randomInit: Bool = true) {
        self.layout = layout
        mode = config.model.mode
        regularization = config.deepRegularization
        dropoutSeed = StableHash.fmix64(config.train.seed ^ 0xD509_0D0D)
        var generator = SeededGenerator(seed: config.train.seed)
        var tableGenerator: SeededGenerator? = randomInit ? generator : nil
        wide = mode.hasWide ? WideLinear(size: layout.hashBuckets, optimizer: config.optim.wide.settings) : nil
        deepOptimizer = DeepOptimizer(config.optim.deep.settings)
        if mode.hasDeep {
            tables = layout.schema.allCategorical.enumerated().map { f, name in
                EmbeddingTable(field: name, rows: layout.embeddingRows[f], dim: layout.embeddingDim, generator: &tableGenerator)
            }
            if let tableGenerator { generator = tableGenerator }
            var width = layout.deepInputWidth
            var layers: [DenseLayer] = []
            for (l, units) in config.model.hidden.enumerated() {
                layers.append(DenseLayer(name: "dense\(l)", inputs: width, outputs: units, relu: true, generator: &generator))
                width = units
            }
            layers.append(DenseLayer(name: "logit", inputs: width, outputs: 1, relu: false, generator: &generator))
            self.layers = layers
        } else {
            tables = []
            layers = []
        }
        workspace = ModelWorkspace()
        workspace.ensure(batch: config.train.batchSize, widths: mode.hasDeep ? [layout.deepInputWidth] + layers.map(\.outputs) : [])
        tableSlots = tables.map { deepOptimizer.register(name: Self.embeddingTensorName($0.field), count: $0.count) }
        layerSlots = layers.map {
            let names = Self.denseTensorNames($0.name)
            return (deepOptimizer.register(name: names.weight, count: $0.weight.count),
                    deepOptimizer.register(name: names.bias, count: $0.bias.count))
        }
        parameters = makeParameterTable()
        stepTasks = updateTasks
        tablePointers = tables.map { UnsafePointer($0.pointer) }
    }

    // MARK: - Forward

    /// Logits of the rows `rows` of `data` into `logits` (count = rows.count), forward only.
    public func predict(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>, into logits: UnsafeMutablePointer<Float>,
                        threads: Int) {
        forward(data, rows: rows, threads: threads)
        for b in 0..<rows.count { logits[b] = workspace.logits[b] }
    }

    /// Logits of every row of `data`, in batches.
    public func predictAll(_ data: EncodedDataset, batchSize: Int = 1024, threads: Int) -> [Float] {
        var out = [Float](repeating: 0, count: data.count)
        let order = (0..<Int32(data.count)).map { $0 }
        order.withUnsafeBufferPointer { all in
            out.withUnsafeMutableBufferPointer { logits in
                var start = 0
                while start < data.count {
                    let end = min(data.count, start + batchSize)
                    predict(data, rows: UnsafeBufferPointer(rebasing: all[start..<end]),
                            into: logits.baseAddress! + start, threads: threads)
                    start = end
                }
            }
        }
        return out
    }

    private func ensureCapacity(_ batch: Int) {
        workspace.ensure(batch: batch, widths: mode.hasDeep ? [layout.deepInputWidth] + layers.map(\.outputs) : [])
    }

    /// The forward pass; `training` applies dropout to the hidden layers' outputs, row b being
    /// example `firstExample + b` of the job's minibatch (its masks are that example's).
    func forward(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>, threads: Int, training: Bool = false,
                 firstExample: Int = 0) {
        let batch = rows.count
        ensureCapacity(batch)
        gatherInputs(data, rows: rows, threads: threads)
        profile?.lap(.gather)
        if mode.hasDeep {
            let dropout = training ? regularization.dropout : 0
            for (l, layer) in layers.enumerated() {
                layer.forward(workspace.activations[l], workspace.activations[l + 1], batch: batch, threads: threads)
                if dropout > 0 && layer.relu {
                    Dropout.apply(workspace.activations[l + 1], batch: batch, units: layer.outputs, rate: dropout,
                                  seed: dropoutSeed, step: stepsTrained, layer: l, firstExample: firstExample,
                                  threads: threads)
                }
            }
        }
        for b in 0..<batch {
            var z: Float = 0
            if wide != nil { z += workspace.wideLogits[b] }
            if mode.hasDeep { z += workspace.activations[layers.count][b] }
            workspace.logits[b] = z
        }
    }

    /// Examples ahead whose wide coordinates and embedding rows `gatherInputs` prefetches.
    static let prefetchExamples = 2

    /// Everything the forward pass reads at random, in one parallel region over the batch's rows:
    /// each row's wide logit (bias + Σ w over its ids) and x0 [B × (F·d + N)], each field's
    /// embedding (the mean of its values' rows for a multi-valued field), then the standardized
    /// numerics. The reads are scattered over tables of up to hundreds of MB, so each example's
    /// lines are prefetched a couple of examples ahead.
    private func gatherInputs(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>, threads: Int) {
        let d = layout.embeddingDim, width = layout.deepInputWidth
        let singles = data.singleFields, numericCount = data.numericCount
        let deep = mode.hasDeep, wide = self.wide
        let x0: UnsafeMutablePointer<Float>? = deep ? workspace.activations[0] : nil
        let wideLogits = workspace.wideLogits, tablePointers = self.tablePointers
        data.wideOffsets.withUnsafeBufferPointer { offsets in
            data.wideIds.withUnsafeBufferPointer { ids in
                data.embeddingRows.withUnsafeBufferPointer { embeddingRows in
                    data.numeric.withUnsafeBufferPointer { numeric in
                        let shared = UnsafeSendable((tablePointers, offsets, ids, embeddingRows, numeric))
                        Self.parallelRanges(rows.count, threads: threads, minimum: 64) { range in
                            let (tablePointers, offsets, ids, embeddingRows, numeric) = shared.value
                            func wideIds(_ r: Int) -> UnsafeBufferPointer<UInt32> {
                                UnsafeBufferPointer(rebasing: ids[Int(offsets[r])..<Int(offsets[r + 1])])
                            }
                            for b in range {
                                if b + Self.prefetchExamples < range.upperBound {
                                    let r = Int(rows[b + Self.prefetchExamples])
                                    wide?.prefetch(ids: wideIds(r))
                                    if deep {
                                        for f in 0..<singles {
                                            let row = tablePointers[f] + Int(embeddingRows[r * singles + f]) * d
                                            wdl_prefetch(row)
                                            wdl_prefetch(row + d - 1)
                                        }
                                    }
                                }
                                let r = Int(rows[b])
                                if let wide { wideLogits[b] = wide.logit(ids: wideIds(r)) }
                                guard let x0 else { continue }
                                let out = x0 + b * width
                                for f in 0..<singles {
                                    let source = tablePointers[f] + Int(embeddingRows[r * singles + f]) * d
                                    let target = out + f * d
                                    for k in 0..<d { target[k] = source[k] }
                                }
                                for m in 0..<data.multiOffsets.count {
                                    let target = out + (singles + m) * d
                                    let lo = Int(data.multiOffsets[m][r]), hi = Int(data.multiOffsets[m][r + 1])
                                    for k in 0..<d { target[k] = 0 }
                                    let scale = 1 / Float(max(1, hi - lo))
                                    for j in lo..<hi {
                                        let source = tablePointers[singles + m] + Int(data.multiRows[m][j]) * d
                                        for k in 0..<d { target[k] += source[k] * scale }
                                    }
                                }
                                let numericOut = out + tables.count * d
                                for j in 0..<numericCount { numericOut[j] = numeric[r * numericCount + j] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` over about `threads` contiguous parts of 0..<count, each of at least
    /// `minimum` items.
    static func parallelRanges(_ count: Int, threads: Int, minimum: Int, _ body: (Range<Int>) -> Void) {
        Parallel.ranges(count, parts: min(threads, count / minimum), body)
    }

    // MARK: - Statistics

    public func denseStatistics() -> [DenseLayerStatistics] {
        layers.enumerated().map { l, layer in
            DenseLayerStatistics(name: layer.name, inputs: layer.inputs, outputs: layer.outputs,
                                 weightNorm: layer.weightNorm, gradientNorm: layer.gradientNorm,
                                 deadFraction: layer.relu ? layer.lastDeadFraction : nil)
        }
    }
}
