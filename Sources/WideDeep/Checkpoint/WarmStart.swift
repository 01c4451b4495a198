import Foundation

/// Initializes a new run's model part by part from saved checkpoints (`--warm-start-wide`,
/// `--warm-start-deep`): tf.keras' pretrain-then-combine flow, and the paper's warm start of a
/// new model from the previous one.
///
/// A part is taken only from a checkpoint whose layout for that part is the new run's: for the
/// wide part the hash space, the wide feature groups (fields, bucketized columns, crosses), the
/// bucket boundaries and the wide optimizer; for the deep part the categorical fields, each
/// field's embedding rows, the embedding dimension, the number of numeric inputs and the hidden
/// layer sizes (and the deep optimizer when its state is copied). Anything else is an error
/// naming the part, the file and the setting; every check runs before the model is touched.
///
/// Weights only, by default: the optimizer state is the fresh one of the new run, and the wide
/// rule gives the fresh state that holds each saved weight (`WideOptimizerRule.freshState`: FTRL
/// stores no weights, only z and n, so with fresh n = 0 it sets z = −w·(β/α + λ2) − sgn(w)·λ1,
/// the bias z = −w·β/α, which needs β > 0, or λ2 > 0 for a weight). With `optimizerState` the saved z and n
/// (and the deep optimizer's accumulators, moments and step count) are copied as they are.
public struct WarmStart: Sendable, Equatable {
    public var widePath: String?
    public var deepPath: String?
    /// Copy the optimizer state too (`--warm-start-optimizer`).
    public var optimizerState: Bool

    public init(widePath: String? = nil, deepPath: String? = nil, optimizerState: Bool = false) {
        self.widePath = widePath
        self.deepPath = deepPath
        self.optimizerState = optimizerState
    }

    /// Copies the parts into `model`, freshly built for `config`; returns one line per part for
    /// the run's events.
    public func apply(to model: WideDeepModel, config: RunConfig) throws -> [String] {
        var loaded: [String: LoadedCheckpoint] = [:]
        func source(_ path: String) throws -> LoadedCheckpoint {
            if let checkpoint = loaded[path] { return checkpoint }
            let checkpoint = try LoadedCheckpoint.load(path: path)
            loaded[path] = checkpoint
            return checkpoint
        }
        var state = model.captureState()
        var messages: [String] = []
        let how = optimizerState ? "weights and optimizer state" : "weights only"
        if let widePath {
            let from = try source(widePath)
            try checkWide(from, model: model, config: config)
            try copyWide(from, into: &state, model: model, config: config)
            messages.append("warm-started the wide part from \(widePath) (step \(from.step); \(how))")
        }
        if let deepPath {
            let from = try source(deepPath)
            try checkDeep(from, model: model, config: config)
            copyDeep(from, into: &state, model: model)
            messages.append("warm-started the deep part from \(deepPath) (step \(from.step); \(how))")
        }
        try model.restoreState(state)
        return messages
    }

    private func mismatch(_ part: String, _ path: String, _ what: String) -> ConfigError {
        ConfigError("warm start \(part) from \(path): \(what)")
    }

    private func compare<T: Equatable>(_ part: String, _ path: String, _ setting: String, _ there: T, _ here: T,
                                       _ show: (T) -> String) throws {
        guard there == here else { throw mismatch(part, path, "\(setting) \(show(there)) there, \(show(here)) here") }
    }

    private static func list(_ names: [String]) -> String { "[" + names.joined(separator: ", ") + "]" }

    private func checkWide(_ from: LoadedCheckpoint, model: WideDeepModel, config: RunConfig) throws {
        let path = from.path
        guard from.model.wide != nil else {
            throw mismatch("wide", path, "the checkpoint has no wide part (mode \(from.config.model.mode.rawValue))")
        }
        guard model.wide != nil else {
            throw mismatch("wide", path, "this run has no wide part (mode \(config.model.mode.rawValue))")
        }
        let a = from.layout, b = model.layout
        try compare("wide", path, "hash_buckets is", a.hashBuckets, b.hashBuckets) { "\($0)" }
        try compare("wide", path, "the wide optimizer is", from.config.optim.wide.name, config.optim.wide.name) { $0.rawValue }
        try compare("wide", path, "the categorical fields are", a.schema.allCategorical, b.schema.allCategorical, Self.list)
        try compare("wide", path, "the bucketized columns are", a.bucketizers.map(\.name), b.bucketizers.map(\.name), Self.list)
        try compare("wide", path, "the crosses are", a.crosses.map(\.name), b.crosses.map(\.name), Self.list)
        for (x, y) in zip(a.bucketizers, b.bucketizers) {
            try compare("wide", path, "the bucket boundaries of '\(x.name)' are", x.boundaries, y.boundaries) {
                "[" + $0.map { String($0) }.joined(separator: ", ") + "]"
            }
        }
        if !optimizerState {
            let rule = model.wide!.optimizer.rule, source = from.model.wide!
            // Weights first, then the bias (index `size`): the first coordinate fresh state cannot hold.
            if let i = (0...source.size).first(where: { rule.freshState(weight: source.weight($0), isBias: $0 == source.size) == nil }) {
                throw mismatch("wide", path, rule.freshStateRefusal(isBias: i == source.size))
            }
        }
    }

    private func checkDeep(_ from: LoadedCheckpoint, model: WideDeepModel, config: RunConfig) throws {
        let path = from.path
        guard from.config.model.mode.hasDeep else {
            throw mismatch("deep", path, "the checkpoint has no deep part (mode \(from.config.model.mode.rawValue))")
        }
        guard config.model.mode.hasDeep else {
            throw mismatch("deep", path, "this run has no deep part (mode \(config.model.mode.rawValue))")
        }
        let a = from.layout, b = model.layout
        try compare("deep", path, "the categorical fields are", a.schema.allCategorical, b.schema.allCategorical, Self.list)
        try compare("deep", path, "embedding_dim is", a.embeddingDim, b.embeddingDim) { "\($0)" }
        for (f, field) in b.schema.allCategorical.enumerated() {
            try compare("deep", path, "the embedding rows of '\(field)' are", a.embeddingRows[f], b.embeddingRows[f]) { "\($0)" }
        }
        try compare("deep", path, "the numeric inputs are", a.numeric.count, b.numeric.count) { "\($0)" }
        try compare("deep", path, "hidden is", from.config.model.hidden, config.model.hidden) {
            "[" + $0.map(String.init).joined(separator: ", ") + "]"
        }
        if optimizerState {
            try compare("deep", path, "the deep optimizer is", from.config.optim.deep.name, config.optim.deep.name) { $0.rawValue }
        }
    }

    private func copyWide(_ from: LoadedCheckpoint, into state: inout ModelState, model: WideDeepModel,
                          config: RunConfig) throws {
        let saved = from.model.captureState()
        let table = model.parameters
        for entry in table.entries where entry.part == .wide && entry.role == .bookkeeping {
            if let values = saved.values(of: entry) { state.set(entry.name, values) }
        }
        let zName = table.wideValues!.name, nName = table.wideAccumulator?.name
        if optimizerState {
            state.floats[zName] = saved.floats[zName]
            if let nName, let n = saved.floats[nName] { state.floats[nName] = n }
            return
        }
        // Fresh state holding each saved weight, as the rule gives it (`checkWide` made sure it can).
        let source = from.model.wide!, rule = model.wide!.optimizer.rule
        var z = [Float](repeating: 0, count: source.size + 1), n = z
        for i in 0...source.size {
            (z[i], n[i]) = rule.freshState(weight: source.weight(i), isBias: i == source.size)!
        }
        state.floats[zName] = z
        if let nName { state.floats[nName] = n }
    }

    /// The deep part's weights and `touched` flags, and with `optimizerState` its optimizer
    /// state and step count: the entries of this model's table, found by name in the saved state.
    private func copyDeep(_ from: LoadedCheckpoint, into state: inout ModelState, model: WideDeepModel) {
        let saved = from.model.captureState()
        for entry in model.parameters.entries where entry.part.isDeep && (optimizerState || !entry.isOptimizerState) {
            if let values = saved.values(of: entry) { state.set(entry.name, values) }
        }
        if optimizerState { state.deepOptimizerSteps = saved.deepOptimizerSteps }
    }
}
