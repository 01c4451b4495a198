import Foundation
@testable import WideDeep

/// A tiny wide & deep problem read from CSV text through the real pipeline: one single-valued
/// categorical field, one multi-valued field (with a duplicated value and a missing value), two
/// numerics, a bucketized numeric and two crosses.
enum TinyModel {
    static let csv = """
        color,tags,x1,x2,label
        red,a|b,1.0,3.0,1
        blue,b,2.0,-1.0,0
        green,a|c|c,0.5,2.0,1
        red,,3.0,0.0,0
        blue,c|a,-1.0,1.5,1
        green,b|b,2.5,-2.0,0
        red,c,0.0,0.5,0
        yellow,a|b|c,1.5,-0.5,1

        """

    static func config(wide: WideOptimizerName = .sgd, deep: DeepOptimizerName = .sgd, lr: Double = 1,
                       mode: ModelMode = .wideDeep, seed: UInt64 = 11) -> RunConfig {
        var config = RunConfig()
        config.data.label = "label"
        config.features.categorical = ["color"]
        config.features.multiValued = ["tags": "|"]
        config.features.numeric = ["x1", "x2"]
        config.features.buckets = ["x1": .boundaries([0, 2])]
        config.features.crosses = [["color", "tags"], ["color", "x1"]]
        config.features.hashBuckets = 64
        config.features.embeddingBuckets = 8
        config.model.mode = mode
        config.model.embeddingDim = 3
        config.model.hidden = [5, 4]
        config.optim.wide.name = wide
        config.optim.wide.lr = lr
        config.optim.deep.name = deep
        config.optim.deep.lr = lr
        config.train.batchSize = 8
        config.train.seed = seed
        return config
    }

    static func load(_ config: RunConfig) throws -> (layout: FeatureLayout, data: EncodedDataset) {
        let raw = try readCSV(csv, config: config)
        let layout = try FeatureLayout.fit(config: config, training: raw)
        return (layout, FeatureEncoder(layout: layout).encode(raw))
    }

    /// Summed logloss of `rows`, in Double, from the model's forward pass.
    static func loss(_ model: WideDeepModel, _ data: EncodedDataset, rows: [Int32]) -> Double {
        var logits = [Float](repeating: 0, count: rows.count)
        rows.withUnsafeBufferPointer { r in
            logits.withUnsafeMutableBufferPointer { model.predict(data, rows: r, into: $0.baseAddress!, threads: 1) }
        }
        var sum = 0.0
        for (b, r) in rows.enumerated() {
            sum += BinaryMetrics.logloss(logit: Double(logits[b]), label: Double(data.labels[Int(r)]))
        }
        return sum
    }

    static func trainStep(_ model: WideDeepModel, _ data: EncodedDataset, rows: [Int32], threads: Int = 1) {
        rows.withUnsafeBufferPointer { _ = model.trainStep(data, rows: $0, threads: threads) }
    }
}
