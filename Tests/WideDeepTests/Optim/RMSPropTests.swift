import Foundation
import XCTest
import SafeTensors
@testable import WideDeep
import WDLTestSupport

/// RMSProp as TensorFlow 1's RMSPropOptimizer (ms starts at 1, ε inside the root), against a
/// hand trace, and as a deep optimizer of a run: its state declared, saved shaped and checked.
final class RMSPropTests: XCTestCase {
    func testRMSPropMatchesHandComputation() {
        // lr = 0.1, ρ = 0.9, ε = 1e-10, ms₀ = 1; θ = (1, −2).
        // step 1, g = (0.5, −1): ms = (0.9 + 0.1·0.25, 0.9 + 0.1·1) = (0.925, 1.0)
        //   θ₀ = 1 − 0.05/√0.925 = 1 − 0.05/0.9617692 = 0.9480124755
        //   θ₁ = −2 + 0.1/√1.0 = −1.9
        // step 2, g = (0.2, 0.4): ms = (0.9·0.925 + 0.1·0.04, 0.9·1 + 0.1·0.16) = (0.8365, 0.916)
        //   θ₀ = 0.9480124755 − 0.02/√0.8365 = 0.9480124755 − 0.02/0.9146037 = 0.9261450819
        //   θ₁ = −1.9 − 0.04/√0.916 = −1.9 − 0.04/0.9570789 = −1.9417938380
        let optimizer = DeepOptimizer(.rmsprop(RMSProp(learningRate: 0.1)))
        XCTAssertEqual(optimizer.stateTensors, [OptimizerStateTensor(suffix: "rmsprop_ms", initialValue: 1, domain: .nonNegative)])
        let slot = optimizer.register(name: "t", count: 2)
        XCTAssertEqual(optimizer.state(slot: slot), [[1, 1]])
        var theta: [Float] = [1, -2]
        optimizer.testStep(slot: slot, values: &theta, grads: [0.5, -1])
        XCTAssertEqual(Double(theta[0]), 0.9480124755118065, accuracy: 1e-6)
        XCTAssertEqual(Double(theta[1]), -1.9, accuracy: 1e-6)
        XCTAssertEqual(Double(optimizer.state(slot: slot)[0][0]), 0.925, accuracy: 1e-7)
        XCTAssertEqual(Double(optimizer.state(slot: slot)[0][1]), 1.0, accuracy: 1e-7)
        optimizer.testStep(slot: slot, values: &theta, grads: [0.2, 0.4])
        XCTAssertEqual(Double(theta[0]), 0.9261450818650093, accuracy: 1e-6)
        XCTAssertEqual(Double(theta[1]), -1.941793837955576, accuracy: 1e-6)
        XCTAssertEqual(Double(optimizer.state(slot: slot)[0][0]), 0.8365, accuracy: 1e-6)
        XCTAssertEqual(Double(optimizer.state(slot: slot)[0][1]), 0.916, accuracy: 1e-6)
    }

    func testTheConfigNameAndTheLiveLearningRate() throws {
        var config = DeepOptimConfig()
        config.name = .rmsprop
        config.lr = 0.3
        XCTAssertEqual(config.settings, .rmsprop(RMSProp(learningRate: 0.3, rho: 0.9, epsilon: 1e-10, initialMeanSquare: 1)))
        XCTAssertEqual(DeepOptimizerName(rawValue: "rmsprop"), .rmsprop)
        let optimizer = DeepOptimizer(config.settings)
        optimizer.learningRate = 0.05
        XCTAssertEqual(optimizer.settings, .rmsprop(RMSProp(learningRate: 0.05)))
    }

    /// Through the parameter table the new state is saved shaped as its tensor, loaded back bit
    /// for bit, counted as deep optimizer state by `inspect`, and left out of a weights-only warm start.
    func testARunWithRMSPropSavesLoadsInspectsAndWarmStartsItsState() throws {
        let folder = try TemporaryFolder()
        let config = TinyModel.config(wide: .ftrl, deep: .rmsprop, lr: 0.05)
        let (layout, data) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        XCTAssertEqual(model.parameters.deepOptimizerState.count, 2 + 2 * 3, "one ms per embedding and per layer tensor")
        TinyModel.trainStep(model, data, rows: [0, 1, 2, 3, 4, 5, 6, 7])
        let request = CheckpointRequest(
            directory: folder.path("ck"), name: "s", state: model.captureState(), layout: layout, config: config,
            step: 1, epoch: 0, examples: 8, generator: SeededGenerator(seed: 1),
            position: DataPosition(epochOffset: 8, epochStartGenerator: SeededGenerator(seed: 2)),
            hyperparameters: [], events: [], wideNames: data.wideNames)
        let path = try Checkpoint.save(request)
        let file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(try file.tensor(named: "deep.dense0.weight.rmsprop_ms").shape, [8, 5])
        XCTAssertEqual(try file.tensor(named: "deep.embedding.tags.rmsprop_ms").shape, [layout.embeddingRows[1], 3])

        let loaded = try LoadedCheckpoint.load(path: path)
        XCTAssertEqual(loaded.model.captureState().floats, model.captureState().floats)
        let ms = loaded.model.captureState().floats["deep.dense0.weight.rmsprop_ms"]!
        XCTAssertTrue(ms.contains { $0 != 1 }, "the step moved the mean squares from their start")

        let parts = CheckpointInspection(loaded).parts
        let optimizerPart = try XCTUnwrap(parts.first { $0.name == "deep optimizer" })
        XCTAssertEqual(optimizerPart.tensors, 8)
        XCTAssertEqual(parts.first { $0.name == "dense" }?.tensors, 6)

        let fresh = WideDeepModel(layout: layout, config: config)
        _ = try WarmStart(deepPath: path).apply(to: fresh, config: config)
        let warm = fresh.captureState()
        XCTAssertEqual(warm.floats["deep.dense0.weight"], model.captureState().floats["deep.dense0.weight"])
        XCTAssertTrue(warm.floats["deep.dense0.weight.rmsprop_ms"]!.allSatisfy { $0 == 1 }, "weights only: fresh ms")
        let withState = WideDeepModel(layout: layout, config: config)
        _ = try WarmStart(deepPath: path, optimizerState: true).apply(to: withState, config: config)
        XCTAssertEqual(withState.captureState().floats["deep.dense0.weight.rmsprop_ms"], ms)
    }

    /// The mean squares' entries are declared non-negative, so a load refuses a negative one.
    func testTheMeanSquaresAreDeclaredNonNegative() throws {
        let config = TinyModel.config(wide: .ftrl, deep: .rmsprop)
        let (layout, _) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        XCTAssertEqual(model.parameters["deep.logit.bias.rmsprop_ms"]?.domain, .nonNegative)
        XCTAssertEqual(model.parameters["deep.logit.bias"]?.domain, .real)
    }
}
