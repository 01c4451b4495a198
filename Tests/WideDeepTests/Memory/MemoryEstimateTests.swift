import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// What the memory check counts (issue 21, item 7): the minibatch's activations, and the fields a
/// run trains even when the config does not list them.
final class MemoryEstimateTests: XCTestCase {
    private func smallConfig() -> RunConfig {
        var config = RunConfig()
        config.features.categorical = ["a", "b"]
        config.features.numeric = ["x", "y", "z"]
        config.model.embeddingDim = 4
        config.model.hidden = [5]
        config.train.batchSize = 10
        return config
    }

    /// By hand: widths 2·4 + 3 = 11 → 5 → 1 (sum 17); per example 2·17 floats of activations and
    /// their gradients, 2 logits, and per field a dim-4 gradient row and a row number (2 · 5):
    /// 46 floats, 184 bytes, × 10 examples.
    func testActivationsFollowAHandComputation() {
        XCTAssertEqual(MemoryEstimate(config: smallConfig(), checkpointing: false).activationBytes, 1840)
        var wide = smallConfig()
        wide.model.mode = .wide
        XCTAssertEqual(MemoryEstimate(config: wide, checkpointing: false).activationBytes, 4 * 10 * 2)  // the logits
    }

    /// Bytes per embedding value follow the deep optimizer's declared state: 4 for the value and
    /// 4 per state tensor (SGD none, AdaGrad and RMSProp one, Adam two). By hand, 2 fields ×
    /// 100 rows × (4 · perValue + 5): SGD 4200, AdaGrad 7400, Adam 10600.
    func testEmbeddingBytesFollowTheOptimizersStateTensors() {
        var config = smallConfig()
        config.features.embeddingBuckets = 100
        let expected: [(DeepOptimizerName, Double)] = [(.sgd, 4200), (.adagrad, 7400), (.rmsprop, 7400), (.adam, 10600)]
        for (name, bytes) in expected {
            config.optim.deep.name = name
            XCTAssertEqual(MemoryEstimate(config: config, checkpointing: false).embeddingBytes, bytes, "\(name)")
        }
    }

    /// The audit's case: 65,536 examples × a 65,536-unit layer is 17 GB per buffer, twice; it was
    /// estimated at 0.3 GB and died allocating.
    func testAWideLayerAtAHugeBatchIsRefusedNamingTheActivations() throws {
        var config = smallConfig()
        config.train.batchSize = 65_536
        config.model.hidden = [65_536]
        let estimate = MemoryEstimate(config: config, checkpointing: false)
        // 4 · 65536 · (2 + 2 · (11 + 65536 + 1) + 2 · 5) bytes.
        XCTAssertEqual(estimate.activationBytes, 34_369_175_552)
        let message = thrownDescription { try estimate.check(machineBytes: 24e9) }
        assertContains(message, "activations 34.4 GB", "the largest part is the activations (34.4 GB)",
                       "lower train.batch_size (--batch-size) or model.hidden")
    }

    /// A criteo config without column lists trains C1…C26 and I1…I13: they are counted.
    func testACriteoConfigWithoutColumnListsCountsEveryField() throws {
        var config = RunConfig()
        config.data.format = .criteo
        config.features.embeddingBuckets = 1 << 26
        config.model.embeddingDim = 16
        let estimate = MemoryEstimate(config: config, checkpointing: false)
        // 26 fields × 2^26 rows × (16 · 8 + 5) bytes.
        XCTAssertEqual(estimate.embeddingBytes, 232_062_451_712)
        var listed = config
        listed.features.categorical = DataSchema.criteoCategorical
        listed.features.numeric = DataSchema.criteoNumeric
        XCTAssertEqual(estimate, MemoryEstimate(config: listed, checkpointing: false))
        // Default batch 256, hidden [100, 50]: widths 26 · 16 + 13 = 429, 100, 50, 1.
        XCTAssertEqual(estimate.activationBytes, 4 * 256 * (2 + 2 * (429 + 100 + 50 + 1) + 26 * 17))
        // The rollback copy holds the embeddings again and the wide part's 10 bytes per coordinate:
        // the largest term, lowered through what it copies (the embeddings).
        let message = thrownDescription { try estimate.check(machineBytes: 24e9) }
        assertContains(message, "embeddings 232.1 GB", "state copies 232.1 GB", "the largest part is the state copies",
                       "lower features.embedding_buckets")
    }

    /// Refused by the session before anything is read or allocated, with the estimate.
    func testARunThatCannotFitIsRefusedBeforeItStarts() throws {
        let folder = try TemporaryFolder()
        var config = try SmallRun.config(in: folder)
        config.train.batchSize = 65_536
        config.model.hidden = [65_536]
        let session = TrainingSession(config: config, options: SessionOptions())
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        XCTAssertEqual(session.snapshot.step, 0)
        assertContains(session.snapshot.stateDetail ?? "", "the run needs about", "the largest part is the activations")
    }
}
