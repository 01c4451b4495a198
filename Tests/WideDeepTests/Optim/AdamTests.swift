import XCTest
@testable import WideDeep

/// Adam's step (`Adam`, through `DeepOptimizer`) against a hand trace with bias correction.
final class AdamTests: XCTestCase {
    func testAdamMatchesHandComputation() {
        // lr = 0.01, β1 = 0.9, β2 = 0.999, ε = 1e-7; θ = (1, −2); m = v = 0.
        // step 1 (t = 1), g = (0.5, −1):
        //   m = 0.1·g = (0.05, −0.1); v = 0.001·g² = (0.00025, 0.001)
        //   m̂ = m/(1 − 0.9) = (0.5, −1); v̂ = v/(1 − 0.999) = (0.25, 1)
        //   θ₀ = 1 − 0.01·0.5/(0.5 + 1e-7) = 0.990000002; θ₁ = −2 − 0.01·(−1)/(1 + 1e-7) = −1.990000001
        // step 2 (t = 2), g = (0.2, 0.4):
        //   m = 0.9·(0.05, −0.1) + 0.1·(0.2, 0.4) = (0.065, −0.05)
        //   v = 0.999·(0.00025, 0.001) + 0.001·(0.04, 0.16) = (0.00028975, 0.001159)
        //   1 − 0.9² = 0.19; 1 − 0.999² = 0.001999
        //   m̂ = (0.342105263, −0.263157895); v̂ = (0.144947474, 0.579789895); √v̂ = (0.380719738, 0.761439357)
        //   θ₀ = 0.990000002 − 0.01·0.342105263/0.380719838 = 0.9810142523
        //   θ₁ = −1.990000001 + 0.01·0.263157895/0.761439457 = −1.9865439430
        let optimizer = DeepOptimizer(.adam(Adam(learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7)))
        let slot = optimizer.register(name: "t", count: 2)
        var theta: [Float] = [1, -2]
        optimizer.testStep(slot: slot, values: &theta, grads: [0.5, -1])
        XCTAssertEqual(optimizer.steps, 1)
        XCTAssertEqual(Double(theta[0]), 0.9900000019999996, accuracy: 1e-6)
        XCTAssertEqual(Double(theta[1]), -1.9900000009999999, accuracy: 1e-6)
        XCTAssertEqual(Double(optimizer.state(slot: slot)[0][0]), 0.05, accuracy: 1e-7)
        // The moments are Float state: (1 − β2) in Float is 0.00099998713, 1.3e-5 from 0.001.
        XCTAssertEqual(Double(optimizer.state(slot: slot)[1][1]), 0.001, accuracy: 0.001 * 2e-5)
        optimizer.testStep(slot: slot, values: &theta, grads: [0.2, 0.4])
        XCTAssertEqual(optimizer.steps, 2)
        XCTAssertEqual(Double(theta[0]), 0.9810142523144733, accuracy: 1e-6)
        XCTAssertEqual(Double(theta[1]), -1.986543942974759, accuracy: 1e-6)
        XCTAssertEqual(Double(optimizer.state(slot: slot)[0][0]), 0.065, accuracy: 1e-7)
        XCTAssertEqual(Double(optimizer.state(slot: slot)[1][0]), 0.00028975, accuracy: 0.00028975 * 2e-5)
    }

    func testAdamDeclaresTwoMomentsStartingAtZero() {
        // m is a signed average, v a moving average of squares.
        let optimizer = DeepOptimizer(.adam(Adam(learningRate: 0.01)))
        XCTAssertEqual(optimizer.stateTensors.map(\.suffix), ["adam_m", "adam_v"])
        XCTAssertEqual(optimizer.stateTensors.map(\.domain), [.real, .nonNegative])
        let slot = optimizer.register(name: "t", count: 3)
        XCTAssertEqual(optimizer.state(slot: slot), [[0, 0, 0], [0, 0, 0]])
    }

    func testAdamSparseRowsStepOnlyTheirMoments() {
        // Rows 2 and 0 of a 3 × 2 table, gradients (0.5, −1) and (0.2, 0.4) at t = 1: each stepped
        // row moves by lr·ĝ/(|ĝ| + ε) ≈ lr·sign(g) (m̂ = g, v̂ = g²), row 1 stays.
        let optimizer = DeepOptimizer(.adam(Adam(learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7)))
        let slot = optimizer.register(name: "emb", count: 6)
        var table: [Float] = [1, 1, 1, 1, 1, 1]
        let rows: [Int32] = [2, 0], grads: [Float] = [0.5, -1, 0.2, 0.4]
        optimizer.beginStep()
        table.withUnsafeMutableBufferPointer { v in
            rows.withUnsafeBufferPointer { r in
                grads.withUnsafeBufferPointer { g in
                    optimizer.updateRows(slot: slot, rows: r, dim: 2, values: v.baseAddress!, grads: g.baseAddress!)
                }
            }
        }
        let expected: [Double] = [0.99, 0.99, 1, 1, 0.99, 1.01]
        for (value, want) in zip(table, expected) { XCTAssertEqual(Double(value), want, accuracy: 1e-5) }
        let m = optimizer.state(slot: slot)[0]
        XCTAssertEqual(m[2], 0)
        XCTAssertEqual(m[3], 0)
        XCTAssertEqual(Double(m[4]), 0.05, accuracy: 1e-7)
        XCTAssertEqual(Double(m[0]), 0.02, accuracy: 1e-7)
    }
}
