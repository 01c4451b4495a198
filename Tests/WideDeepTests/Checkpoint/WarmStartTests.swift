import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

final class WarmStartTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// A 1-epoch wide & deep run of the small problem, saved; its config.
    private func source(mode: ModelMode = .wideDeep, name: String = "ck") throws -> (LoadedCheckpoint, RunConfig) {
        var config = try SmallRun.config(in: folder)
        config.train.epochs = 1
        config.model.mode = mode
        let checkpoint = try LoadedCheckpoint.load(path: SmallRun.trainedCheckpoint(config, folder: folder, name: name))
        return (checkpoint, config)
    }

    /// z for fresh n = 0 by hand, α = 0.1, β = 1, λ1 = 0.5, λ2 = 2 (β/α + λ2 = 12):
    /// w = 0.3 → z = −0.3·12 − 0.5 = −4.1, and back: −(−4.1 + 0.5)/12 = 0.3;
    /// w = −0.25 → z = 3 + 0.5 = 3.5; the bias (no L1/L2) w = 0.7 → z = −0.7·10 = −7.
    func testFreshZReproducesTheWeight() {
        let ftrl = FTRLProximal(alpha: 0.1, beta: 1, l1: 0.5, l2: 2)
        XCTAssertEqual(ftrl.freshState(weight: 0.3, isBias: false)!.z, -4.1, accuracy: 1e-6)
        XCTAssertEqual(ftrl.freshState(weight: -0.25, isBias: false)!.z, 3.5, accuracy: 1e-6)
        XCTAssertEqual(ftrl.freshState(weight: 0, isBias: false)!.z, 0)
        XCTAssertEqual(ftrl.freshState(weight: 0.7, isBias: true)!.z, -7, accuracy: 1e-6)
        XCTAssertEqual(ftrl.weight(z: -4.1, n: 0), 0.3, accuracy: 1e-6)
        XCTAssertEqual(ftrl.weight(z: 3.5, n: 0), -0.25, accuracy: 1e-6)
        XCTAssertEqual(ftrl.unregularizedWeight(z: -7, n: 0), 0.7, accuracy: 1e-6)
        // With β = 0 only λ2 can hold a weight, and nothing the bias.
        let noBeta = FTRLProximal(alpha: 0.1, beta: 0, l1: 0.5, l2: 0)
        XCTAssertNil(noBeta.freshState(weight: 0.3, isBias: false))
        XCTAssertNil(noBeta.freshState(weight: 0.3, isBias: true))
        XCTAssertEqual(noBeta.freshState(weight: 0, isBias: true)!.z, 0)
        XCTAssertNotNil(FTRLProximal(alpha: 0.1, beta: 0, l1: 0.5, l2: 2).freshState(weight: 0.3, isBias: false))
    }

    /// A wide part trained with AdaGrad keeps its weights in z: weights only copies them and gives
    /// every coordinate AdaGrad's fresh accumulator (the new run's `initial_accumulator`, 0.3 here).
    func testWideAdaGradWarmStartCopiesWeightsWithFreshAccumulators() throws {
        var config = try SmallRun.config(in: folder)
        config.train.epochs = 1
        config.model.mode = .wide
        config.optim.wide.name = .adagrad
        let saved = try LoadedCheckpoint.load(path: SmallRun.trainedCheckpoint(config, folder: folder, name: "adagrad"))
        var target = config
        target.optim.wide.initialAccumulator = 0.3
        let model = WideDeepModel(layout: saved.layout, config: target)
        _ = try WarmStart(widePath: saved.path, deepPath: nil).apply(to: model, config: target)
        let wide = try XCTUnwrap(model.wide), sourceWide = try XCTUnwrap(saved.model.wide)
        XCTAssertTrue(sourceWide.n.contains { $0 != Float(0.1) }, "the source's accumulators moved")
        for i in 0...wide.size { XCTAssertEqual(wide.weight(i), sourceWide.weight(i), "coordinate \(i)") }
        XCTAssertTrue((0...wide.size).contains { sourceWide.weight($0) != 0 })
        XCTAssertTrue(wide.n.allSatisfy { $0 == Float(0.3) }, "fresh accumulators")
    }

    /// Weights only, into a model with another seed (other initial weights) and other FTRL
    /// hyperparameters: it predicts like the source, with fresh optimizer state.
    func testWarmStartedModelPredictsLikeTheSource() throws {
        let (saved, config) = try source()
        var target = config
        target.train.seed = 1234
        target.optim.wide.alpha = 0.2
        target.optim.wide.beta = 0.5
        target.optim.wide.l1 = 0.05
        target.optim.wide.l2 = 0.3
        let model = WideDeepModel(layout: saved.layout, config: target)
        let valid = try SmallRun.validation(config, layout: saved.layout)
        let expected = saved.model.predictAll(valid, threads: 1)
        XCTAssertNotEqual(model.predictAll(valid, threads: 1), expected)

        let messages = try WarmStart(widePath: saved.path, deepPath: saved.path).apply(to: model, config: target)
        XCTAssertEqual(messages, ["warm-started the wide part from \(saved.path) (step 40; weights only)",
                                  "warm-started the deep part from \(saved.path) (step 40; weights only)"])
        let got = model.predictAll(valid, threads: 1)
        for (a, b) in zip(got, expected) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b))) }
        let wide = try XCTUnwrap(model.wide), sourceWide = try XCTUnwrap(saved.model.wide)
        var nonzero = 0
        for i in 0...wide.size {
            XCTAssertEqual(wide.weight(i), sourceWide.weight(i), accuracy: 1e-6, "coordinate \(i)")
            if sourceWide.weight(i) != 0 { nonzero += 1 }
        }
        XCTAssertGreaterThan(nonzero, 50)
        XCTAssertTrue(wide.n.allSatisfy { $0 == 0 }, "fresh FTRL state")
        XCTAssertEqual(wide.groupOf, sourceWide.groupOf)
        let state = model.captureState(), sourceState = saved.model.captureState()
        XCTAssertEqual(state.floats["deep.embedding.a"], sourceState.floats["deep.embedding.a"])
        XCTAssertEqual(state.floats["deep.dense0.weight"], sourceState.floats["deep.dense0.weight"])
        XCTAssertTrue(state.floats["deep.dense0.weight.adagrad_accumulator"]!.allSatisfy { $0 == Float(0.1) }, "fresh AdaGrad")
        XCTAssertEqual(state.deepOptimizerSteps, 0)
    }

    func testWarmStartWithOptimizerStateCopiesItExactly() throws {
        let (saved, config) = try source()
        var target = config
        target.train.seed = 99
        let model = WideDeepModel(layout: saved.layout, config: target)
        _ = try WarmStart(widePath: saved.path, deepPath: saved.path, optimizerState: true).apply(to: model, config: target)
        let state = model.captureState(), sourceState = saved.model.captureState()
        XCTAssertEqual(state.floats, sourceState.floats)
        XCTAssertEqual(state.uint16, sourceState.uint16)
        XCTAssertEqual(state.deepOptimizerSteps, 40)
    }

    /// The pretrain-then-combine flow: a wide-only and a deep-only run warm-start the joint model.
    func testPartsFromSeparateRunsThroughTheSession() throws {
        let (wide, wideConfig) = try source(mode: .wide, name: "wide")
        let (deep, _) = try source(mode: .deep, name: "deep")
        var config = wideConfig
        config.model.mode = .wideDeep
        var options = SessionOptions()
        options.warmStart = WarmStart(widePath: wide.path, deepPath: deep.path)
        let snapshot = SmallRun.run(config, options: options)
        let messages = snapshot.events.map(\.message)
        XCTAssertTrue(messages.contains("warm-started the wide part from \(wide.path) (step 40; weights only)"), "\(messages)")
        XCTAssertTrue(messages.contains("warm-started the deep part from \(deep.path) (step 40; weights only)"), "\(messages)")

        options.resumePath = wide.path
        let session = TrainingSession(config: config, options: options)
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        assertContains(session.snapshot.stateDetail ?? "", "warm start cannot be combined with resuming")
    }

    /// A mismatch names the part, the file and the setting, and leaves the model untouched.
    func testMismatchesAreErrorsNamingPartAndSetting() throws {
        let (saved, config) = try source()
        let (deepOnly, _) = try source(mode: .deep, name: "deep")
        let p = saved.path
        func refusal(_ warm: WarmStart, layout change: (inout FeatureLayout) -> Void = { _ in },
                     config configChange: (inout RunConfig) -> Void = { _ in }) -> String {
            var layout = saved.layout, target = config
            change(&layout)
            configChange(&target)
            let model = WideDeepModel(layout: layout, config: target)
            let before = model.captureState()
            let message = thrownDescription { _ = try warm.apply(to: model, config: target) }
            XCTAssertEqual(model.captureState().floats, before.floats, "untouched after: \(message)")
            return message
        }
        let wide = WarmStart(widePath: p), deep = WarmStart(deepPath: p)
        XCTAssertEqual(refusal(wide, layout: { $0.hashBuckets = 8192 }), "warm start wide from \(p): hash_buckets is 4096 there, 8192 here")
        XCTAssertEqual(refusal(wide, layout: { $0.crosses = [] }), "warm start wide from \(p): the crosses are [a x b] there, [] here")
        XCTAssertEqual(refusal(wide, layout: { $0.bucketizers[0].boundaries = [0] }),
                       "warm start wide from \(p): the bucket boundaries of 'x' are \(saved.layout.bucketizers[0].boundaries) there, [0.0] here")
        XCTAssertEqual(refusal(wide, config: { $0.optim.wide.name = .adagrad }),
                       "warm start wide from \(p): the wide optimizer is ftrl there, adagrad here")
        XCTAssertEqual(refusal(WarmStart(widePath: deepOnly.path)),
                       "warm start wide from \(deepOnly.path): the checkpoint has no wide part (mode deep)")
        XCTAssertEqual(refusal(wide, config: { $0.model.mode = .deep }), "warm start wide from \(p): this run has no wide part (mode deep)")
        XCTAssertEqual(refusal(wide, config: { $0.optim.wide.beta = 0; $0.optim.wide.l2 = 0 }),
                       "warm start wide from \(p): FTRL β is 0 and λ2 is 0 here, so fresh FTRL state (n = 0) cannot hold the saved weights; set --ftrl-beta above 0 or pass --warm-start-optimizer")

        XCTAssertEqual(refusal(deep, layout: { $0.embeddingDim = 8 }, config: { $0.model.embeddingDim = 8 }),
                       "warm start deep from \(p): embedding_dim is 4 there, 8 here")
        let rowsB = saved.layout.embeddingRows[1]
        XCTAssertEqual(refusal(deep, layout: { $0.embeddingRows[1] *= 2 }),
                       "warm start deep from \(p): the embedding rows of 'b' are \(rowsB) there, \(rowsB * 2) here")
        XCTAssertEqual(refusal(deep, config: { $0.model.hidden = [16, 4] }), "warm start deep from \(p): hidden is [8] there, [16, 4] here")
        XCTAssertEqual(refusal(deep, layout: { $0.numeric = [] }), "warm start deep from \(p): the numeric inputs are 1 there, 0 here")
        XCTAssertEqual(refusal(WarmStart(deepPath: p, optimizerState: true), config: { $0.optim.deep.name = .adam }),
                       "warm start deep from \(p): the deep optimizer is adagrad there, adam here")
        // Checked before anything changes: a good wide part with a bad deep one changes nothing.
        XCTAssertEqual(refusal(WarmStart(widePath: p, deepPath: p), config: { $0.model.hidden = [3] }),
                       "warm start deep from \(p): hidden is [8] there, [3] here")
        assertContains(refusal(WarmStart(deepPath: folder.path("missing.safetensors"))), "missing.safetensors: file not found")
    }
}
