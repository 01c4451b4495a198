import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// A small seeded CSV problem for checkpoint tests: two categorical fields, one numeric (also
/// bucketized), a cross with a planted effect; 2,000 training rows in minibatches of 50 (40 steps
/// per epoch), 500 validation rows, one thread.
enum SmallRun {
    static func csv(rows: Int, seed: UInt64, label: Bool = true) -> String {
        var generator = SeededGenerator(seed: seed)
        var text = label ? "a,b,x,y\n" : "a,b,x\n"
        for _ in 0..<rows {
            let a = Int(generator.next() % 12), b = Int(generator.next() % 5)
            let x = generator.nextGaussian()
            let z = (a % 3 == 0 ? 1.0 : -0.5) + ((a + b) % 4 == 0 ? 1.5 : 0) + 0.8 * x
            let y = generator.nextUnit() < 1 / (1 + exp(-z)) ? 1 : 0
            text += "a\(a),b\(b),\(String(format: "%.3f", x))" + (label ? ",\(y)\n" : "\n")
        }
        return text
    }

    static func config(in folder: TemporaryFolder, deep: DeepOptimizerName = .adagrad) throws -> RunConfig {
        var config = RunConfig()
        config.name = "small"
        config.data.train = try folder.write("train.csv", csv(rows: 2000, seed: 77))
        config.data.valid = try folder.write("valid.csv", csv(rows: 500, seed: 78))
        config.data.label = "y"
        config.features.categorical = ["a", "b"]
        config.features.numeric = ["x"]
        config.features.buckets = ["x": .quantiles(4)]
        config.features.crosses = [["a", "b"]]
        config.features.hashBuckets = 1 << 12
        config.model.embeddingDim = 4
        config.model.hidden = [8]
        config.optim.deep.name = deep
        config.optim.deep.lr = deep == .adam ? 0.01 : 0.05
        config.train.epochs = 2
        config.train.batchSize = 50
        config.train.evalEvery = 0
        config.train.threads = 1
        return config
    }

    /// Runs a session to its end; fails the test unless it finished.
    @discardableResult
    static func run(_ config: RunConfig, options: SessionOptions = SessionOptions(),
                    file: StaticString = #filePath, line: UInt = #line) -> TrainingSnapshot {
        let session = TrainingSession(config: config, options: options)
        session.start()
        session.waitUntilFinished()
        let snapshot = session.snapshot
        XCTAssertEqual(snapshot.state, .finished, snapshot.stateDetail ?? "", file: file, line: line)
        return snapshot
    }

    /// Trains the small run (`epochs` epochs) with a checkpoint folder; returns the final checkpoint's path.
    static func trainedCheckpoint(_ config: RunConfig, folder: TemporaryFolder, name: String = "ck",
                                  file: StaticString = #filePath, line: UInt = #line) -> String {
        var options = SessionOptions()
        options.checkpointDirectory = folder.path(name)
        run(config, options: options, file: file, line: line)
        return folder.path(name) + "/final.safetensors"
    }

    /// The validation rows encoded with `layout`.
    static func validation(_ config: RunConfig, layout: FeatureLayout) throws -> EncodedDataset {
        let reader = DatasetReader(schema: layout.schema)
        return FeatureEncoder(layout: layout).encode(try reader.read(path: config.data.valid!))
    }
}
