import Foundation
import XCTest
@testable import WideDeep

/// The wide rules as types: each declares the state its coordinates keep (the checkpoint names
/// are docs/checkpoints.md's), and `WideLinear`'s specialised loop steps by the rule's equations.
final class WideOptimizerRuleTests: XCTestCase {
    func testEachRuleDeclaresItsCoordinatesState() {
        let ftrl = FTRLProximal(alpha: 0.5, beta: 1, l1: 0, l2: 0).wideStateTensors
        XCTAssertEqual(ftrl, [WideStateTensor(suffix: "ftrl_z", initialValue: 0, role: .optimizerState(.real)),
                              WideStateTensor(suffix: "ftrl_n", initialValue: 0, role: .optimizerState(.nonNegative))])
        let adagrad = AdaGrad(learningRate: 0.1, initialAccumulator: 0.25).wideStateTensors
        XCTAssertEqual(adagrad, [WideStateTensor(suffix: "weight", initialValue: 0, role: .weight),
                                 WideStateTensor(suffix: "adagrad_accumulator", initialValue: 0.25,
                                                 role: .optimizerState(.nonNegative))])
        XCTAssertEqual(SGD(learningRate: 0.1).wideStateTensors,
                       [WideStateTensor(suffix: "weight", initialValue: 0, role: .weight)])
        XCTAssertTrue(FTRLProximal.cachesWeight)
        XCTAssertFalse(AdaGrad.cachesWeight)
        XCTAssertFalse(SGD.cachesWeight)
    }

    /// The table's wide entries are the rule's declarations, and a fresh part starts at their
    /// initial values.
    func testTheTablesWideEntriesComeFromTheRule() throws {
        var config = TinyModel.config(wide: .adagrad, deep: .sgd)
        config.optim.wide.initialAccumulator = 0.25
        let (layout, _) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        let accumulator = try XCTUnwrap(model.parameters["wide.adagrad_accumulator"])
        XCTAssertEqual(accumulator.role, .optimizerState(.nonNegative))
        guard case .f32(let n) = accumulator.read() else { return XCTFail("f32 expected") }
        XCTAssertEqual(n.count, 65)
        XCTAssertTrue(n.allSatisfy { $0 == 0.25 })
        XCTAssertEqual(model.parameters["wide.weight"]?.role, .weight)
    }

    private func step(_ wide: WideLinear, _ examples: [([UInt32], Float)]) {
        for (ids, g) in examples {
            let groups = [UInt16](repeating: 0, count: ids.count)
            ids.withUnsafeBufferPointer { i in groups.withUnsafeBufferPointer { wide.accumulate(ids: i, groups: $0, gradient: g) } }
        }
        wide.applyUpdates()
    }

    /// SGD, by hand: coordinate 1 sums 0.4 − 0.2 = 0.2 → w = −0.5·0.2 = −0.1; coordinate 3 has 0.4
    /// → −0.2; the bias sums 0.2 → −0.1; the rest stay 0.
    func testSGDStepsEachTouchedCoordinate() {
        let wide = WideLinear(size: 4, optimizer: .sgd(SGD(learningRate: 0.5)))
        step(wide, [([1, 3], 0.4), ([1], -0.2)])
        XCTAssertEqual(Double(wide.weight(1)), -0.1, accuracy: 1e-7)
        XCTAssertEqual(Double(wide.weight(3)), -0.2, accuracy: 1e-7)
        XCTAssertEqual(Double(wide.bias), -0.1, accuracy: 1e-7)
        XCTAssertEqual(wide.weight(0), 0)
        XCTAssertEqual(wide.weight(2), 0)
        XCTAssertEqual(wide.n, [0, 0, 0, 0, 0], "SGD keeps no second state")
    }

    /// FTRL through the loop: λ1 = 10 keeps coordinate 0 at exactly 0 (|z| = 0.3 ≤ λ1), while the
    /// bias, unregularized, moves: w = −0.3/((1 + √0.09)/0.5) = −0.3/2.6 = −0.1153846154. The
    /// forward pass reads the cached weights.
    func testFTRLsLoopLeavesTheBiasUnregularizedAndCachesWeights() {
        let wide = WideLinear(size: 2, optimizer: .ftrl(FTRLProximal(alpha: 0.5, beta: 1, l1: 10, l2: 5)))
        step(wide, [([0], 0.3)])
        XCTAssertEqual(Double(wide.z[0]), 0.3, accuracy: 1e-7)
        XCTAssertEqual(Double(wide.n[0]), 0.09, accuracy: 1e-7)
        XCTAssertEqual(wide.weight(0), 0)
        XCTAssertEqual(Double(wide.bias), -0.1153846154, accuracy: 1e-7)
        let ids: [UInt32] = [0]
        XCTAssertEqual(Double(ids.withUnsafeBufferPointer { wide.logit(ids: $0) }), -0.1153846154, accuracy: 1e-7)
    }
}
