import Foundation
import XCTest
@testable import WideDeep

/// The wide part's AdaGrad takes its own `optim.wide` settings, not the deep part's.
final class WideAdaGradTests: XCTestCase {
    private let yaml = """
        optim:
          wide: {name: adagrad, lr: 0.2, initial_accumulator: 0.5, epsilon: 0.01}
          deep: {name: adagrad, lr: 0.9, initial_accumulator: 3, epsilon: 0.5}
        """

    func testOneStepUsesTheWideSettings() throws {
        let config = try RunConfigLoader.parse(yaml)
        let wide = WideLinear(size: 4, optimizer: config.optim.wide.settings)
        XCTAssertEqual(wide.n, [0.5, 0.5, 0.5, 0.5, 0.5], "every accumulator starts at the wide initial_accumulator")
        let ids: [UInt32] = [2], groups: [UInt16] = [0]
        ids.withUnsafeBufferPointer { i in groups.withUnsafeBufferPointer { wide.accumulate(ids: i, groups: $0, gradient: 0.5) } }
        wide.applyUpdates()
        // G = 0.5 + 0.5² = 0.75; w = −0.2·0.5/(√0.75 + 0.01) = −0.1/0.8760254038 = −0.1141519408.
        // (With the deep settings it would be −0.1/(√3.25 + 0.5) = −0.0434258546.)
        XCTAssertEqual(Double(wide.n[2]), 0.75, accuracy: 1e-7)
        XCTAssertEqual(Double(wide.weight(2)), -0.1141519408, accuracy: 1e-7)
        XCTAssertEqual(Double(wide.bias), -0.1141519408, accuracy: 1e-7)
        XCTAssertEqual(wide.weight(1), 0)
        XCTAssertEqual(wide.n[1], 0.5)
    }

    func testTheModelBuildsEachPartFromItsOwnSettings() throws {
        var config = TinyModel.config(wide: .adagrad, deep: .adagrad)
        let parsed = try RunConfigLoader.parse(yaml)
        config.optim = parsed.optim
        let (layout, _) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        XCTAssertEqual(model.wide?.optimizer, .adagrad(AdaGrad(learningRate: 0.2, initialAccumulator: 0.5, epsilon: 0.01)))
        XCTAssertEqual(model.deepOptimizer.settings, .adagrad(AdaGrad(learningRate: 0.9, initialAccumulator: 3, epsilon: 0.5)))
        XCTAssertTrue(model.deepOptimizer.names.indices.allSatisfy { slot in
            model.deepOptimizer.state(slot: slot)[0].allSatisfy { $0 == 3 }
        })
    }
}
