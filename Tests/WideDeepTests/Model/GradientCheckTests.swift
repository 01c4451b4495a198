import Foundation
import XCTest
@testable import WideDeep

/// Finite-difference checks of the back-propagated gradients.
///
/// With SGD at learning rate 1 for both parts, one `trainStep` moves every parameter by exactly
/// −g, so g = θ_before − θ_after is the analytic gradient of the batch's SUMMED logloss (the
/// model's reduction). It is compared with central differences of that summed loss, computed from
/// the forward pass (`predict`) and `BinaryMetrics.logloss` in Double, for every coordinate of
/// every parameter kind the batch reaches.
final class GradientCheckTests: XCTestCase {
    struct Coordinate {
        let name: String
        let get: () -> Float
        let set: (Float) -> Void
    }

    /// Every embedding coordinate of the rows the batch uses, every dense weight and bias, and
    /// the wide weights of the batch's ids plus the wide bias.
    private func coordinates(_ model: WideDeepModel, _ data: EncodedDataset, rows: [Int32]) -> [Coordinate] {
        var list: [Coordinate] = []
        let d = model.layout.embeddingDim
        for (f, table) in model.tables.enumerated() {
            var used = Set<Int>()
            for r in rows.map(Int.init) {
                if f < data.singleFields {
                    used.insert(Int(data.embeddingRows[r * data.singleFields + f]))
                } else {
                    let m = f - data.singleFields
                    for j in Int(data.multiOffsets[m][r])..<Int(data.multiOffsets[m][r + 1]) { used.insert(Int(data.multiRows[m][j])) }
                }
            }
            for row in used.sorted() {
                for k in 0..<d {
                    let i = row * d + k
                    list.append(Coordinate(name: "embedding \(table.field)[\(row)][\(k)]",
                                           get: { table.values[i] }, set: { table.values[i] = $0 }))
                }
            }
        }
        for layer in model.layers {
            for i in layer.weight.indices {
                list.append(Coordinate(name: "\(layer.name).weight[\(i)]", get: { layer.weight[i] }, set: { layer.weight[i] = $0 }))
            }
            for i in layer.bias.indices {
                list.append(Coordinate(name: "\(layer.name).bias[\(i)]", get: { layer.bias[i] }, set: { layer.bias[i] = $0 }))
            }
        }
        if let wide = model.wide {
            var ids = Set<Int>()
            for r in rows.map(Int.init) {
                for j in Int(data.wideOffsets[r])..<Int(data.wideOffsets[r + 1]) { ids.insert(Int(data.wideIds[j])) }
            }
            for i in ids.sorted() + [wide.size] {
                list.append(Coordinate(name: i == wide.size ? "wide bias" : "wide[\(i)]",
                                       get: { wide.z[i] }, set: { wide.setZ(i, $0) }))
            }
        }
        return list
    }

    struct FiniteDifference {
        var central: Double
        /// True when a ReLU unit changes state within ±ε (or sits within 1e-5 of its kink), where
        /// a central difference does not measure the gradient. Found with the Double reference
        /// forward pass, not from the model.
        var kink: Bool
    }

    private func finiteDifference(_ c: Coordinate, eps: Float, model: WideDeepModel, data: EncodedDataset,
                                  rows: [Int32]) -> FiniteDifference {
        let original = c.get()
        let base = ReferenceForward.run(model, data, rows: rows)
        c.set(original + eps)
        let plus = TinyModel.loss(model, data, rows: rows)
        let plusReference = ReferenceForward.run(model, data, rows: rows)
        c.set(original - eps)
        let minus = TinyModel.loss(model, data, rows: rows)
        let minusReference = ReferenceForward.run(model, data, rows: rows)
        c.set(original)
        // The step actually taken in Float.
        let h = Double((original + eps) - (original - eps)) / 2
        let kink = plusReference.active != base.active || minusReference.active != base.active
            || min(base.closestToKink, plusReference.closestToKink, minusReference.closestToKink) < 1e-5
        return FiniteDifference(central: (plus - minus) / (2 * h), kink: kink)
    }

    /// The parameter kind of a coordinate's name: "embedding tags", "dense0.weight", "wide", ….
    private func kind(_ name: String) -> String {
        String(name.prefix { $0 != "[" }).replacingOccurrences(of: " bias", with: ".bias")
    }

    /// Checks every coordinate; returns, per parameter kind, the coordinates checked whose
    /// gradient is clearly non-zero (|g| > 1e-3), and the number skipped at ReLU kinks.
    @discardableResult
    private func check(_ model: WideDeepModel, _ data: EncodedDataset, rows: [Int32], coordinates list: [Coordinate],
                       analytic: [Double], eps: Float = 4e-3, file: StaticString = #filePath,
                       line: UInt = #line) -> (nonZero: [String: Int], kinks: Int) {
        var nonZero: [String: Int] = [:], kinks = 0
        for (c, g) in zip(list, analytic) {
            let fd = finiteDifference(c, eps: eps, model: model, data: data, rows: rows)
            if fd.kink { kinks += 1; continue }
            if abs(g) > 1e-3 { nonZero[kind(c.name), default: 0] += 1 }
            // 1% relative, with an absolute floor for Float rounding of the summed loss
            // (≈ 1e-6 / 2ε ≈ 1e-4).
            assertClose(g, fd.central, relative: 1e-2, absolute: 3e-4, c.name, file: file, line: line)
        }
        XCTAssertLessThanOrEqual(kinks, list.count / 20, "too many coordinates at ReLU kinks", file: file, line: line)
        return (nonZero, kinks)
    }

    /// With zero biases and 8 examples many ReLU units are dead for the whole batch, and their
    /// gradients are trivially 0. Any point of parameter space will do for a gradient check, so
    /// the hidden biases are raised to make most units active.
    private func wakeHiddenUnits(_ model: WideDeepModel) {
        for layer in model.layers where layer.relu { layer.bias = layer.bias.map { $0 + 0.3 } }
    }

    func testEveryDeepParameterKindAndWideWeightsMatchFiniteDifferences() throws {
        let config = TinyModel.config(wide: .sgd, deep: .sgd, lr: 1)
        let (layout, data) = try TinyModel.load(config)
        XCTAssertEqual(data.count, 8)
        let model = WideDeepModel(layout: layout, config: config)
        // Two gentle warm-up steps on other rows so that the wide weights and biases are not all zero.
        model.deepOptimizer.learningRate = 0.1
        model.wide?.learningRate = 0.1
        TinyModel.trainStep(model, data, rows: [0, 1, 2])
        TinyModel.trainStep(model, data, rows: [5, 6, 7])
        model.deepOptimizer.learningRate = 1
        model.wide?.learningRate = 1
        wakeHiddenUnits(model)
        let rows: [Int32] = Array(0..<8)
        let list = coordinates(model, data, rows: rows)
        let before = list.map { $0.get() }
        let state = model.captureState()
        let untouchedBefore = model.tables.map(\.values)
        TinyModel.trainStep(model, data, rows: rows)
        let after = list.map { $0.get() }
        // SGD, lr = 1: θ_after = θ_before − 1·g.
        let analytic = zip(before, after).map { Double($0) - Double($1) }

        // Rows of the embedding tables that the batch did not use did not move.
        let usedNames = Set(list.map(\.name))
        for (f, table) in model.tables.enumerated() {
            let d = layout.embeddingDim
            for i in table.values.indices where !usedNames.contains("embedding \(table.field)[\(i / d)][\(i % d)]") {
                XCTAssertEqual(table.values[i], untouchedBefore[f][i])
            }
        }

        try model.restoreState(state)
        XCTAssertEqual(list.map { $0.get() }, before)
        let (nonZero, kinks) = check(model, data, rows: rows, coordinates: list, analytic: analytic)

        // Every kind was checked on coordinates with a clearly non-zero gradient: both embedding
        // tables (tags is multi-valued), the hidden layers' weights and biases, the output layer,
        // the wide weights and the wide bias.
        for kind in ["embedding color", "embedding tags", "dense0.weight", "dense0.bias", "dense1.weight",
                     "dense1.bias", "logit.weight", "logit.bias", "wide", "wide.bias"] {
            XCTAssertGreaterThan(nonZero[kind] ?? 0, 0, "\(kind) checked on non-zero gradients")
        }
        XCTAssertGreaterThan(nonZero.values.reduce(0, +), 100)
        XCTAssertEqual(kinks, 0, "this seeded point is away from every kink")
        let names = list.map(\.name)
        // The joint logit: the wide bias and the deep output bias both receive ∂L/∂z summed over
        // the batch, Σ(σ(z) − y), with z from the Double reference forward pass.
        let z = ReferenceForward.run(model, data, rows: rows).logits
        let expected = rows.indices.map { BinaryMetrics.sigmoid(z[$0]) - Double(data.labels[Int(rows[$0])]) }.reduce(0, +)
        XCTAssertEqual(analytic[names.firstIndex(of: "wide bias")!], expected, accuracy: 1e-5)
        XCTAssertEqual(analytic[names.firstIndex(of: "logit.bias[0]")!], expected, accuracy: 1e-5)
    }

    /// A batch that uses one embedding row several times (the same value in many examples, and
    /// `c|c` inside one multi-valued example) and a non-contiguous, unsorted choice of rows.
    func testRepeatedRowsAndSubsetBatch() throws {
        let config = TinyModel.config(wide: .sgd, deep: .sgd, lr: 1, seed: 3)
        let (layout, data) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        let rows: [Int32] = [6, 2, 0, 3, 2]
        wakeHiddenUnits(model)
        let list = coordinates(model, data, rows: rows)
        let before = list.map { $0.get() }
        let state = model.captureState()
        TinyModel.trainStep(model, data, rows: rows)
        let analytic = zip(before, list.map { $0.get() }).map { Double($0) - Double($1) }
        try model.restoreState(state)
        check(model, data, rows: rows, coordinates: list, analytic: analytic)
    }

    /// The joint logit into an FTRL wide part: from a fresh state (z = n = 0, so w = 0 and σ·w = 0)
    /// one FTRL step leaves z = g and n = g². With α = β = 1 and λ1 = λ2 = 0, w = −z/(1 + √n), so
    /// at n = 0 setting z = ∓ε gives w = ±ε for the finite differences.
    func testJointLogitGradientReachesFTRL() throws {
        var config = TinyModel.config(wide: .ftrl, deep: .adagrad, lr: 0.05)
        config.optim.wide.alpha = 1
        config.optim.wide.beta = 1
        config.optim.wide.l1 = 0
        config.optim.wide.l2 = 0
        let (layout, data) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        let wide = try XCTUnwrap(model.wide)
        let rows: [Int32] = Array(0..<8)
        let state = model.captureState()
        TinyModel.trainStep(model, data, rows: rows)
        let zAfter = wide.z, nAfter = wide.n
        try model.restoreState(state)
        var ids = Set<Int>()
        for j in 0..<data.wideIds.count { ids.insert(Int(data.wideIds[j])) }
        var checked = 0
        for i in ids.sorted() + [wide.size] {
            let eps: Float = 4e-3
            wide.setZ(i, -eps)
            let plus = TinyModel.loss(model, data, rows: rows)
            wide.setZ(i, eps)
            let minus = TinyModel.loss(model, data, rows: rows)
            wide.setZ(i, 0)
            let fd = (plus - minus) / (2 * Double(eps))
            assertClose(Double(zAfter[i]), fd, relative: 1e-2, absolute: 3e-4, "wide coordinate \(i)")
            XCTAssertEqual(Double(nAfter[i]), Double(zAfter[i]) * Double(zAfter[i]), accuracy: 1e-6)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
    }
}

private extension WideLinear {
    /// Sets one coordinate's z (through `restore`, which keeps the cached weights right).
    func setZ(_ i: Int, _ value: Float) {
        var all = z
        all[i] = value
        restore(z: all, n: nil)
    }
}
