import Foundation
import XCTest
import SafeTensors
@testable import WideDeep
import WDLTestSupport

final class CheckpointRoundTripTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// A model trained for `steps` minibatches of 50 and the request that saves it.
    private func trained(_ config: RunConfig, steps: Int) throws -> (WideDeepModel, RunData, CheckpointRequest) {
        let data = try RunData.load(config: config, threads: 1)
        let model = WideDeepModel(layout: data.layout, config: config)
        let rows = (0..<Int32(data.train.count)).map { $0 }
        for s in 0..<steps {
            let batch = Array(rows[(s * 50) % rows.count..<((s * 50) % rows.count + 50)])
            TinyModel.trainStep(model, data.train, rows: batch)
        }
        var generator = SeededGenerator(seed: 5)
        _ = generator.next()
        let request = CheckpointRequest(
            directory: folder.path("ck"), name: "step-\(steps)", state: model.captureState(), layout: data.layout,
            config: config, step: steps, epoch: 0, examples: steps * 50, generator: generator,
            position: DataPosition(epochOffset: steps * 50, epochStartGenerator: SeededGenerator(seed: 9)),
            hyperparameters: [HyperparameterValue(parameter: .ftrlAlpha, value: 0.07)],
            events: [RunEvent(step: 3, seconds: 0.5, kind: .info, message: "hello")], wideNames: data.train.wideNames)
        return (model, data, request)
    }

    func testRoundTripGivesIdenticalPredictionsAndOptimizerState() throws {
        for deep in [DeepOptimizerName.adagrad, .adam] {
            var config = try SmallRun.config(in: folder, deep: deep)
            config.optim.wide.alpha = 0.07  // as the saved hyperparameters say
            let (model, data, request) = try trained(config, steps: 30)
            let path = try Checkpoint.save(request)
            XCTAssertEqual(path, folder.path("ck") + "/step-30.safetensors")
            let loaded = try LoadedCheckpoint.load(path: path)

            // Every tensor — parameters, FTRL z and n, optimizer state, bookkeeping — bit for bit.
            let before = model.captureState(), after = loaded.model.captureState()
            XCTAssertEqual(after.floats.keys.sorted(), before.floats.keys.sorted())
            for (name, values) in before.floats {
                XCTAssertEqual(after.floats[name], values, "\(deep): \(name)")
            }
            XCTAssertEqual(after.uint16, before.uint16)
            XCTAssertEqual(after.uint8, before.uint8)
            XCTAssertEqual(after.deepOptimizerSteps, 30)
            let optimizerTensors = before.floats.keys.filter { $0.hasSuffix(deep == .adam ? ".adam_v" : ".adagrad_accumulator") }
            XCTAssertEqual(optimizerTensors.count, 6, "two embeddings, dense0 and logit weight and bias: \(optimizerTensors)")

            // Identical predictions on the validation set.
            XCTAssertEqual(loaded.model.predictAll(data.valid, threads: 1), model.predictAll(data.valid, threads: 1))

            // Progress, position and metadata.
            XCTAssertEqual(loaded.step, 30)
            XCTAssertEqual(loaded.examples, 1500)
            XCTAssertEqual(loaded.position.epochOffset, 1500)
            XCTAssertEqual(loaded.position.epochStartGenerator, SeededGenerator(seed: 9))
            XCTAssertEqual(loaded.generator, request.generator)
            XCTAssertEqual(loaded.layout, data.layout)
            XCTAssertEqual(loaded.config, config)
            XCTAssertEqual(loaded.hyperparameters, ["ftrl_alpha": 0.07])
            XCTAssertEqual(loaded.wideNames, data.train.wideNames)
            XCTAssertEqual(loaded.metadata["format"], "wdl-checkpoint")
            XCTAssertTrue(loaded.metadata["events"]?.contains("hello") ?? false)
        }
    }

    /// The names and shapes a Python user sees.
    func testTensorNamesAndShapes() throws {
        let config = try SmallRun.config(in: folder)
        let (_, data, request) = try trained(config, steps: 2)
        let header = try SafeTensorsFile.readHeader(of: URL(fileURLWithPath: try Checkpoint.save(request)))
        let shapes = Dictionary(uniqueKeysWithValues: header.tensors.map { ($0.name, $0.shape) })
        let rowsA = data.layout.embeddingRows[0]
        let width = 2 * 4 + 1
        XCTAssertEqual(shapes["wide.ftrl_z"], [4097])
        XCTAssertEqual(shapes["wide.ftrl_n"], [4097])
        XCTAssertEqual(shapes["wide.group_of"], [4096])
        XCTAssertEqual(shapes["deep.embedding.a"], [rowsA, 4])
        XCTAssertEqual(shapes["deep.embedding.a.adagrad_accumulator"], [rowsA, 4])
        XCTAssertEqual(shapes["deep.embedding.a.touched"], [rowsA])
        XCTAssertEqual(shapes["deep.dense0.weight"], [width, 8])
        XCTAssertEqual(shapes["deep.dense0.weight.adagrad_accumulator"], [width, 8])
        XCTAssertEqual(shapes["deep.dense0.bias"], [8])
        XCTAssertEqual(shapes["deep.logit.weight"], [8, 1])
        XCTAssertEqual(shapes["deep.logit.bias"], [1])
        XCTAssertEqual(header.tensors.first { $0.name == "wide.group_of" }?.dtype, .u16)
        XCTAssertNotNil(header.checksums?["wide.ftrl_z"])
    }

    /// A state holding NaN or infinity is refused, naming the tensor, and nothing is written.
    func testSaveRefusesNonFiniteState() throws {
        let config = try SmallRun.config(in: folder)
        var (_, _, request) = try trained(config, steps: 2)
        request.state.floats["deep.dense0.weight"]![3] = .nan
        XCTAssertEqual(thrownDescription { _ = try Checkpoint.save(request) },
                       "\(folder.path("ck")): refused to save: tensor 'deep.dense0.weight' holds NaN or infinite values")
        request.state.floats["deep.dense0.weight"]![3] = 0
        request.state.floats["wide.ftrl_n"]![0] = .infinity
        assertContains(thrownDescription { _ = try Checkpoint.save(request) }, "'wide.ftrl_n'", "NaN or infinite")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("ck")), "nothing written, not even the folder")
    }
}
