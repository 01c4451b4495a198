import Foundation
import XCTest
@testable import WideDeep

/// FTRL-Proximal (McMahan et al. 2013, Algorithm 1), per coordinate:
///   w = 0 if |z| ≤ λ1, else −(z − sgn(z)λ1) / ((β + √n)/α + λ2)
///   σ = (√(n + g²) − √n)/α;  z ← z + g − σ·w;  n ← n + g²
final class FTRLProximalTests: XCTestCase {
    // α = 0.5, β = 1, λ1 = 0.1, λ2 = 0.2; gradients 0.3, −0.8, 0.5.
    let ftrl = FTRLProximal(alpha: 0.5, beta: 1, l1: 0.1, l2: 0.2)
    let gradients: [Float] = [0.3, -0.8, 0.5]

    /// Hand computation (checked with a calculator, `python3`):
    ///
    /// step 1, g = 0.3: z = n = 0 → w = 0 (|z| ≤ λ1).
    ///   n' = 0.09; σ = (√0.09 − 0)/0.5 = 0.6; z' = 0 + 0.3 − 0.6·0 = 0.3
    ///   w = −(0.3 − 0.1)/((1 + 0.3)/0.5 + 0.2) = −0.2/2.8 = −0.0714285714
    /// step 2, g = −0.8:
    ///   n' = 0.09 + 0.64 = 0.73; √0.73 = 0.8544003745
    ///   σ = (0.8544003745 − 0.3)/0.5 = 1.1088007491
    ///   z' = 0.3 − 0.8 − 1.1088007491·(−0.0714285714) = −0.5 + 0.0792000535 = −0.4207999465
    ///   w = −(−0.4207999465 + 0.1)/((1 + 0.8544003745)/0.5 + 0.2) = 0.3207999465/3.9088007491 = 0.0820711945
    /// step 3, g = 0.5:
    ///   n' = 0.73 + 0.25 = 0.98; √0.98 = 0.9899494937
    ///   σ = (0.9899494937 − 0.8544003745)/0.5 = 0.2710982383
    ///   z' = −0.4207999465 + 0.5 − 0.2710982383·0.0820711945 = 0.0569506973
    ///   |z'| = 0.0570 ≤ λ1 = 0.1 → w = 0 exactly.
    let expectedZ = [0.3, -0.4207999464954639, 0.05695069726674823]
    let expectedN = [0.09, 0.73, 0.98]
    let expectedW = [-0.07142857142857141, 0.08207119448908287, 0.0]

    func testStepsMatchHandComputation() {
        // The same equations, written out once more in Double, next to the literals above.
        var zRef = 0.0, nRef = 0.0
        func wRef(_ z: Double, _ n: Double) -> Double {
            abs(z) <= 0.1 ? 0 : -(z - (z > 0 ? 0.1 : -0.1)) / ((1 + n.squareRoot()) / 0.5 + 0.2)
        }
        var z: Float = 0, n: Float = 0
        for (step, g) in gradients.enumerated() {
            let gd = Double(g)
            let sigma = ((nRef + gd * gd).squareRoot() - nRef.squareRoot()) / 0.5
            zRef += gd - sigma * wRef(zRef, nRef)
            nRef += gd * gd
            ftrl.update(z: &z, n: &n, gradient: g)
            XCTAssertEqual(zRef, expectedZ[step], accuracy: 1e-6)
            XCTAssertEqual(Double(z), expectedZ[step], accuracy: 1e-6, "z after step \(step + 1)")
            XCTAssertEqual(Double(n), expectedN[step], accuracy: 1e-6, "n after step \(step + 1)")
            XCTAssertEqual(Double(ftrl.weight(z: z, n: n)), expectedW[step], accuracy: 1e-6, "w after step \(step + 1)")
        }
        XCTAssertEqual(ftrl.weight(z: z, n: n), 0, "|z| ≤ λ1 must give exactly zero")
    }

    func testWeightIsExactlyZeroInsideL1Ball() {
        for z: Float in [0, 0.05, -0.05, 0.0999, -0.0999] {
            XCTAssertEqual(ftrl.weight(z: z, n: 4), 0, "z = \(z)")
        }
        // On the boundary |z| = λ1 (with λ1 = 0.125, exact in binary; Float(0.1) is slightly above
        // the Double 0.1 and so just outside): still zero.
        let exact = FTRLProximal(alpha: 0.5, beta: 1, l1: 0.125, l2: 0.2)
        XCTAssertEqual(exact.weight(z: 0.125, n: 4), 0)
        XCTAssertEqual(exact.weight(z: -0.125, n: 4), 0)
        // Just outside: −(0.2 − 0.1)/((1 + 2)/0.5 + 0.2) = −0.1/6.2
        XCTAssertEqual(Double(ftrl.weight(z: 0.2, n: 4)), -0.1 / 6.2, accuracy: 1e-7)
        XCTAssertEqual(Double(ftrl.weight(z: -0.2, n: 4)), 0.1 / 6.2, accuracy: 1e-7)
    }

    func testLargeL1KeepsEveryWeightAtZero() {
        // λ1 = 10: |z| can grow by at most |g| + σ|w| per step and w stays 0, so with 20 gradients
        // of magnitude ≤ 0.4, |z| ≤ 8 < 10 and every weight is exactly zero.
        let strong = FTRLProximal(alpha: 0.5, beta: 1, l1: 10, l2: 0)
        var z: Float = 0, n: Float = 0
        var generator = SeededGenerator(seed: 1)
        for _ in 0..<20 {
            strong.update(z: &z, n: &n, gradient: Float(generator.nextUnit() * 0.8 - 0.4))
            XCTAssertEqual(strong.weight(z: z, n: n), 0)
        }
    }

    /// The wide part applies the same steps to a coordinate, and to its bias without λ1/λ2.
    func testWideLinearCoordinateAndUnregularizedBias() {
        let wide = WideLinear(size: 8, optimizer: .ftrl(ftrl))
        let ids: [UInt32] = [3]
        let groups: [UInt16] = [0]
        // Bias, λ1 = λ2 = 0: w = −z/((β + √n)/α).
        // step 1: z = 0.3, n = 0.09 → w = −0.3/(1.3/0.5) = −0.3/2.6 = −0.1153846154
        // step 2: w_before = −0.1153846154; σ = 1.1088007491 (as above);
        //         z = 0.3 − 0.8 + 1.1088007491·0.1153846154 = −0.3720614520
        //         w = 0.3720614520/(1.8544003745/0.5) = 0.3720614520/3.7088007491 = 0.1003185335
        // step 3: σ = 0.2710982383; z = −0.3720614520 + 0.5 − 0.2710982383·0.1003185335 = 0.1007423703
        //         w = −0.1007423703/(1.9899494937/0.5) = −0.0253127958 (not zero although |z| ≤ 0.1 would
        //         zero a regularized coordinate).
        let biasZ = [0.3, -0.3720614520311339, 0.1007423702839014]
        let biasW = [-0.11538461538461538, 0.10031853345723184, -0.02531279577818648]
        for (step, g) in gradients.enumerated() {
            ids.withUnsafeBufferPointer { i in
                groups.withUnsafeBufferPointer { gr in wide.accumulate(ids: i, groups: gr, gradient: g) }
            }
            wide.applyUpdates()
            XCTAssertEqual(Double(wide.z[3]), expectedZ[step], accuracy: 1e-6)
            XCTAssertEqual(Double(wide.n[3]), expectedN[step], accuracy: 1e-6)
            XCTAssertEqual(Double(wide.weight(3)), expectedW[step], accuracy: 1e-6)
            XCTAssertEqual(Double(wide.z[8]), biasZ[step], accuracy: 1e-6, "bias z after step \(step + 1)")
            XCTAssertEqual(Double(wide.n[8]), expectedN[step], accuracy: 1e-6)
            XCTAssertEqual(Double(wide.bias), biasW[step], accuracy: 1e-6, "bias after step \(step + 1)")
            // Untouched coordinates keep z = n = 0.
            XCTAssertEqual(wide.z[2], 0)
            XCTAssertEqual(wide.n[2], 0)
        }
        XCTAssertEqual(wide.weight(3), 0)
        XCTAssertNotEqual(wide.bias, 0)
        XCTAssertEqual(wide.groupOf[3], 0)
        XCTAssertEqual(wide.groupOf[2], WideLinear.untouched)
    }

    /// Gradients of one minibatch are summed per coordinate before one FTRL step.
    func testMinibatchGradientsAreSummedPerCoordinate() {
        let wide = WideLinear(size: 4, optimizer: .ftrl(ftrl))
        let groups: [UInt16] = [0, 1]
        for (ids, g) in [([UInt32(1), 2], Float(0.1)), ([UInt32(1), 3], Float(0.2))] {
            ids.withUnsafeBufferPointer { i in
                groups.withUnsafeBufferPointer { gr in wide.accumulate(ids: i, groups: gr, gradient: g) }
            }
        }
        wide.applyUpdates()
        // Coordinate 1 got 0.1 + 0.2 = 0.3 in one step: z = 0.3, n = 0.09 (as step 1 above).
        XCTAssertEqual(Double(wide.z[1]), 0.3, accuracy: 1e-7)
        XCTAssertEqual(Double(wide.n[1]), 0.09, accuracy: 1e-7)
        XCTAssertEqual(Double(wide.z[2]), 0.1, accuracy: 1e-7)
        XCTAssertEqual(Double(wide.z[3]), 0.2, accuracy: 1e-7)
        XCTAssertEqual(Double(wide.n[4]), 0.09, accuracy: 1e-7, "bias: 0.1 + 0.2")
        // A second applyUpdates with nothing accumulated changes nothing (the bias gradient is 0 too).
        let before = (wide.z, wide.n)
        wide.applyUpdates()
        XCTAssertEqual(wide.z, before.0)
        XCTAssertEqual(wide.n, before.1)
    }

    /// Through training: after a wide-only run with a large λ1, every coordinate with |z| ≤ λ1 has
    /// weight exactly 0 (and those outside have a non-zero weight), and the statistics agree.
    func testTrainedWideModelHasExactZerosInsideL1() throws {
        var config = RunConfig()
        config.data.label = "y"
        config.features.categorical = ["a", "b"]
        config.features.crosses = [["a", "b"]]
        config.features.hashBuckets = 4096
        config.model.mode = .wide
        config.optim.wide = WideOptimConfig()
        config.optim.wide.alpha = 0.5
        config.optim.wide.l1 = 3
        config.optim.wide.l2 = 0.5
        config.train.batchSize = 16
        var generator = SeededGenerator(seed: 5)
        var csv = "a,b,y\n"
        for _ in 0..<600 {
            let a = Int(generator.next() % 40), b = Int(generator.next() % 7)
            // Frequent strong values (a < 4) get weights past λ1; rare ones stay at zero.
            let p = a < 4 ? 0.9 : (b == 0 ? 0.2 : 0.5)
            csv += "v\(a),w\(b),\(generator.nextUnit() < p ? 1 : 0)\n"
        }
        let raw = try readCSV(csv, config: config)
        let layout = try FeatureLayout.fit(config: config, training: raw)
        let data = FeatureEncoder(layout: layout).encode(raw)
        let model = WideDeepModel(layout: layout, config: config)
        let order = (0..<Int32(data.count)).map { $0 }
        for _ in 0..<3 {
            for start in stride(from: 0, to: order.count, by: 16) {
                TinyModel.trainStep(model, data, rows: Array(order[start..<min(order.count, start + 16)]))
            }
        }
        let wide = try XCTUnwrap(model.wide)
        var inside = 0, outside = 0
        for i in 0..<wide.size where wide.n[i] > 0 {
            if abs(Double(wide.z[i])) <= 3 {
                inside += 1
                XCTAssertEqual(wide.weight(i), 0, "coordinate \(i) with z = \(wide.z[i])")
            } else {
                outside += 1
                XCTAssertNotEqual(wide.weight(i), 0)
            }
        }
        XCTAssertGreaterThan(inside, 10, "the data should leave many coordinates inside the L1 ball")
        XCTAssertGreaterThan(outside, 0, "and some outside")
        let stats = wide.statistics(groupNames: layout.wideGroupNames)
        XCTAssertEqual(stats.nonzero, outside)
        XCTAssertEqual(stats.touched, inside + outside)
    }
    /// The forward pass reads weights cached at each update; they must equal the weights
    /// computed from (z, n) after steps, after a settings change mid-run, and after a restore.
    func testForwardUsesCurrentWeights() {
        let wide = WideLinear(size: 8, optimizer: .ftrl(ftrl))
        let groups: [UInt16] = [0, 1, 2]
        let batches: [([UInt32], Float)] = [([1, 2, 5], 0.3), ([2, 5, 7], -0.8), ([1, 7, 3], 0.5), ([5, 3, 6], -0.4)]
        func logit(_ ids: [UInt32]) -> Float { ids.withUnsafeBufferPointer { wide.logit(ids: $0) } }
        func expected(_ ids: [UInt32]) -> Float {
            let settings = wide.ftrl!
            var sum = settings.unregularizedWeight(z: wide.z[8], n: wide.n[8])
            for id in ids { sum += settings.weight(z: wide.z[Int(id)], n: wide.n[Int(id)]) }
            return sum
        }
        let probe: [UInt32] = [1, 2, 3, 5, 6, 7]
        for (ids, g) in batches {
            ids.withUnsafeBufferPointer { i in groups.withUnsafeBufferPointer { wide.accumulate(ids: i, groups: $0, gradient: g) } }
            wide.applyUpdates()
            XCTAssertEqual(logit(probe), expected(probe))
        }
        XCTAssertNotEqual(logit(probe), 0)
        wide.ftrl?.l1 = 0                      // as the dashboard's λ1 command does
        XCTAssertEqual(logit(probe), expected(probe))
        wide.ftrl?.alpha = 2
        XCTAssertEqual(logit(probe), expected(probe))
        wide.ftrl?.l1 = 100                    // every regularized weight inside the L1 ball: bias only
        XCTAssertEqual(logit(probe), wide.bias)
        let (z, n) = (wide.z, wide.n)
        let restored = WideLinear(size: 8, optimizer: .ftrl(wide.ftrl!))
        restored.restore(z: z, n: n)
        XCTAssertEqual(probe.withUnsafeBufferPointer { restored.logit(ids: $0) }, logit(probe))
    }
}
