import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// The exchange sums the dense gradients the parameter table lists (every layer's weight and
/// bias, none of their optimizer state), each in place.
final class DenseGradientSumTests: XCTestCase {
    func testEveryLayersGradientsAreSummedOverTheRanks() throws {
        let config = TinyModel.config(wide: .ftrl, deep: .adam)
        let (layout, _) = try TinyModel.load(config)
        let models = (0..<2).map { _ in WideDeepModel(layout: layout, config: config) }
        XCTAssertFalse(models[0].layers.isEmpty)
        // Rank r's gradient element i of tensor t is (r + 1)·(i + 1) + t: the sum over 2 ranks is
        // 3·(i + 1) + 2t, exact in Float for these small integers.
        for (r, model) in models.enumerated() {
            for (l, layer) in model.layers.enumerated() {
                for i in layer.weightGradient.indices { layer.weightGradient[i] = Float((r + 1) * (i + 1) + 2 * l) }
                for i in layer.biasGradient.indices { layer.biasGradient[i] = Float((r + 1) * (i + 1) + 2 * l + 1) }
            }
        }
        let exchanges = InProcessJob(size: 2).ranks.map { GradientExchange(communicator: $0) }
        let shared = UnsafeSendable((models, exchanges))
        DispatchQueue.concurrentPerform(iterations: 2) { rank in
            let (models, exchanges) = shared.value
            exchanges[rank].sumDense(of: models[rank].parameters)
        }
        let elements = models[0].layers.reduce(0) { $0 + $1.inputs * $1.outputs + $1.outputs }
        for (r, model) in models.enumerated() {
            for (l, layer) in model.layers.enumerated() {
                XCTAssertEqual(layer.weightGradient, layer.weightGradient.indices.map { Float(3 * ($0 + 1) + 4 * l) },
                               "rank \(r), \(layer.name).weight")
                XCTAssertEqual(layer.biasGradient, layer.biasGradient.indices.map { Float(3 * ($0 + 1) + 4 * l + 2) },
                               "rank \(r), \(layer.name).bias")
            }
            XCTAssertEqual(exchanges[r].traffic.denseBytes, elements * 4, "the gradients alone, in Float32")
        }
        // Adam's moments were not part of the sum: still their initial zeros.
        for entry in models[0].parameters.deepOptimizerState where entry.part != .wide {
            if case .dense = entry.part, case .f32(let values) = entry.read() {
                XCTAssertTrue(values.allSatisfy { $0 == 0 }, entry.name)
            }
        }
    }
}
