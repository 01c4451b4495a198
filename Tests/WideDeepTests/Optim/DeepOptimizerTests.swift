import Foundation
import XCTest
@testable import WideDeep

final class DeepOptimizerTests: XCTestCase {
    func testAdaGradMatchesHandComputation() {
        // lr = 0.1, G₀ = 0.1, ε = 1e-7; θ = (1, −2).
        // step 1, g = (0.5, −1):  G = (0.1 + 0.25, 0.1 + 1) = (0.35, 1.1)
        //   θ₀ = 1 − 0.1·0.5/(√0.35 + 1e-7) = 1 − 0.05/0.5916080 = 0.9154845888
        //   θ₁ = −2 − 0.1·(−1)/(√1.1 + 1e-7) = −2 + 0.1/1.0488088 = −1.9046537502
        // step 2, g = (0.2, 0.4):  G = (0.35 + 0.04, 1.1 + 0.16) = (0.39, 1.26)
        //   θ₀ = 0.9154845888 − 0.02/(√0.39 + 1e-7) = 0.9154845888 − 0.02/0.6244998 = 0.8834589632
        //   θ₁ = −1.9046537502 − 0.04/(√1.26 + 1e-7) = −1.9046537502 − 0.04/1.1224972 = −1.9402885792
        let optimizer = DeepOptimizer(.adagrad(AdaGrad(learningRate: 0.1, initialAccumulator: 0.1, epsilon: 1e-7)))
        let slot = optimizer.register(name: "t", count: 2)
        XCTAssertEqual(optimizer.state(slot: slot)[0], [0.1, 0.1])
        var theta: [Float] = [1, -2]
        optimizer.testStep(slot: slot, values: &theta, grads: [0.5, -1])
        XCTAssertEqual(Double(theta[0]), 1 - 0.05 / (0.35.squareRoot() + 1e-7), accuracy: 1e-6)
        XCTAssertEqual(Double(theta[0]), 0.9154845888128602, accuracy: 1e-6)
        XCTAssertEqual(Double(theta[1]), -1.904653750166349, accuracy: 1e-6)
        XCTAssertEqual(Double(optimizer.state(slot: slot)[0][0]), 0.35, accuracy: 1e-7)
        XCTAssertEqual(Double(optimizer.state(slot: slot)[0][1]), 1.1, accuracy: 1e-7)
        optimizer.testStep(slot: slot, values: &theta, grads: [0.2, 0.4])
        XCTAssertEqual(Double(theta[0]), 0.8834589631800471, accuracy: 1e-6)
        XCTAssertEqual(Double(theta[1]), -1.940288579246736, accuracy: 1e-6)
        XCTAssertEqual(Double(optimizer.state(slot: slot)[0][0]), 0.39, accuracy: 1e-7)
        XCTAssertEqual(Double(optimizer.state(slot: slot)[0][1]), 1.26, accuracy: 1e-6)
    }

    func testAdaGradSparseRowsUpdateOnlyTheirState() {
        // A tensor of 3 rows × 2: updating row 1 (offset 2) leaves rows 0 and 2's accumulators at G₀.
        let optimizer = DeepOptimizer(.adagrad(AdaGrad(learningRate: 0.1, initialAccumulator: 0.1)))
        _ = optimizer.register(name: "other", count: 4)
        let slot = optimizer.register(name: "emb", count: 6)
        var row: [Float] = [1, -2]
        optimizer.testStep(slot: slot, values: &row, grads: [0.5, -1], offset: 2)
        let acc = optimizer.state(slot: slot)[0].map(Double.init)
        XCTAssertEqual(acc[0], 0.1, accuracy: 1e-7)
        XCTAssertEqual(acc[1], 0.1, accuracy: 1e-7)
        XCTAssertEqual(acc[2], 0.35, accuracy: 1e-7)
        XCTAssertEqual(acc[3], 1.1, accuracy: 1e-7)
        XCTAssertEqual(acc[4], 0.1, accuracy: 1e-7)
        XCTAssertEqual(acc[5], 0.1, accuracy: 1e-7)
        XCTAssertEqual(optimizer.state(slot: 0)[0], [0.1, 0.1, 0.1, 0.1], "another tensor's state is untouched")
        XCTAssertEqual(Double(row[0]), 0.9154845888128602, accuracy: 1e-6)
    }

    func testSGD() {
        // θ − lr·g with lr = 0.5: (1 − 0.25, −2 + 0.5) = (0.75, −1.5); then (0.75 − 0.1, −1.5 − 0.2).
        let optimizer = DeepOptimizer(.sgd(SGD(learningRate: 0.5)))
        let slot = optimizer.register(name: "t", count: 2)
        var theta: [Float] = [1, -2]
        optimizer.testStep(slot: slot, values: &theta, grads: [0.5, -1])
        XCTAssertEqual(theta, [0.75, -1.5])
        optimizer.testStep(slot: slot, values: &theta, grads: [0.2, 0.4])
        XCTAssertEqual(Double(theta[0]), 0.65, accuracy: 1e-7)
        XCTAssertEqual(Double(theta[1]), -1.7, accuracy: 1e-7)
        XCTAssertTrue(optimizer.stateTensors.isEmpty)
        XCTAssertTrue(optimizer.state(slot: slot).isEmpty)
    }

    func testLearningRateChangeAppliesToNextUpdate() {
        // SGD at lr 0.5 then lr 0.1 on the same gradient 1: 1 − 0.5 − 0.1 = 0.4.
        let optimizer = DeepOptimizer(.sgd(SGD(learningRate: 0.5)))
        let slot = optimizer.register(name: "t", count: 1)
        var theta: [Float] = [1]
        optimizer.testStep(slot: slot, values: &theta, grads: [1])
        optimizer.learningRate = 0.1
        optimizer.testStep(slot: slot, values: &theta, grads: [1])
        XCTAssertEqual(Double(theta[0]), 0.4, accuracy: 1e-7)
    }

    /// The wide part trained with AdaGrad or SGD (tf.keras' WideDeepModel option).
    func testWideAdaGradAndSGDSteps() {
        // AdaGrad lr 0.1, G₀ = 0.1: g = 0.5 → G = 0.35, w = −0.05/(√0.35 + 1e-7) = −0.0845154112
        let adagrad = WideLinear(size: 4, optimizer: .adagrad(AdaGrad(learningRate: 0.1, initialAccumulator: 0.1)))
        let sgd = WideLinear(size: 4, optimizer: .sgd(SGD(learningRate: 0.1)))
        let ids: [UInt32] = [2], groups: [UInt16] = [0]
        for wide in [adagrad, sgd] {
            ids.withUnsafeBufferPointer { i in
                groups.withUnsafeBufferPointer { g in wide.accumulate(ids: i, groups: g, gradient: 0.5) }
            }
            wide.applyUpdates()
        }
        XCTAssertEqual(Double(adagrad.weight(2)), -0.0845154112, accuracy: 1e-7)
        XCTAssertEqual(Double(adagrad.bias), -0.0845154112, accuracy: 1e-7)
        XCTAssertEqual(Double(adagrad.n[2]), 0.35, accuracy: 1e-7)
        XCTAssertEqual(adagrad.weight(1), 0)
        // SGD: w = 0 − 0.1·0.5 = −0.05.
        XCTAssertEqual(Double(sgd.weight(2)), -0.05, accuracy: 1e-8)
        XCTAssertEqual(Double(sgd.bias), -0.05, accuracy: 1e-8)
    }
}
