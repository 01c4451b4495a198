import Foundation
import XCTest
@testable import WideDeep

/// Sample weights in the training step: the batch loss is Σ w·logloss (the model's SUM
/// reduction, weighted) and every gradient, wide and deep, is that loss's.
final class WeightedLossTests: XCTestCase {
    private let weights: [Float] = [0.5, 2, 1.25, 3, 0.2, 1.5, 0.7, 2.4]

    private func weighted(_ data: EncodedDataset) -> EncodedDataset {
        var out = data
        out.weights = weights
        return out
    }

    /// Σ w·logloss of `rows`, in Double, from the model's forward pass (the finite differences' loss).
    private func weightedLoss(_ model: WideDeepModel, _ data: EncodedDataset, rows: [Int32]) -> Double {
        var logits = [Float](repeating: 0, count: rows.count)
        rows.withUnsafeBufferPointer { r in
            logits.withUnsafeMutableBufferPointer { model.predict(data, rows: r, into: $0.baseAddress!, threads: 1) }
        }
        return rows.enumerated().reduce(0.0) { sum, item in
            let r = Int(item.element)
            return sum + Double(data.weights[r]) * BinaryMetrics.logloss(logit: Double(logits[item.offset]), label: Double(data.labels[r]))
        }
    }

    private struct Coordinate {
        let name: String
        let get: () -> Float
        let set: (Float) -> Void
    }

    /// Every embedding value, dense weight and bias, the wide weights of the data's ids and the wide bias.
    private func coordinates(_ model: WideDeepModel, _ data: EncodedDataset) -> [Coordinate] {
        var list: [Coordinate] = []
        for table in model.tables {
            for i in table.values.indices {
                list.append(Coordinate(name: "embedding \(table.field)", get: { table.values[i] }, set: { table.values[i] = $0 }))
            }
        }
        for layer in model.layers {
            for i in layer.weight.indices {
                list.append(Coordinate(name: "\(layer.name).weight", get: { layer.weight[i] }, set: { layer.weight[i] = $0 }))
            }
            for i in layer.bias.indices {
                list.append(Coordinate(name: "\(layer.name).bias", get: { layer.bias[i] }, set: { layer.bias[i] = $0 }))
            }
        }
        if let wide = model.wide {
            for i in Set(data.wideIds.map(Int.init)).sorted() + [wide.size] {
                list.append(Coordinate(name: i == wide.size ? "wide bias" : "wide",
                                       get: { wide.z[i] }, set: { value in
                                           var z = wide.z
                                           z[i] = value
                                           wide.restore(z: z, n: nil)
                                       }))
            }
        }
        return list
    }

    /// SGD at learning rate 1 moves each parameter by −g, so θ_before − θ_after is the step's
    /// gradient; central differences of Σ w·logloss must match it for every coordinate of every
    /// kind (the wide weights and bias, embeddings of both fields, every dense layer).
    func testWeightedGradientsMatchFiniteDifferencesInBothParts() throws {
        let config = TinyModel.config(wide: .sgd, deep: .sgd, lr: 1, seed: 4)
        let (layout, plain) = try TinyModel.load(config)
        let data = weighted(plain)
        let model = WideDeepModel(layout: layout, config: config)
        for layer in model.layers where layer.relu { layer.bias = layer.bias.map { $0 + 0.3 } }  // most units active
        model.deepOptimizer.learningRate = 0.1
        model.wide?.learningRate = 0.1
        TinyModel.trainStep(model, data, rows: [0, 1, 2, 3])  // away from the all-zero wide start
        model.deepOptimizer.learningRate = 1
        model.wide?.learningRate = 1
        let rows: [Int32] = Array(0..<8)
        let list = coordinates(model, data)
        let before = list.map { $0.get() }
        let state = model.captureState()
        TinyModel.trainStep(model, data, rows: rows)
        let analytic = zip(before, list.map { $0.get() }).map { Double($0) - Double($1) }
        try model.restoreState(state)

        var checked: [String: Int] = [:], kinks = 0
        let eps: Float = 4e-3
        for (c, g) in zip(list, analytic) {
            let original = c.get()
            let base = ReferenceForward.run(model, data, rows: rows)
            c.set(original + eps)
            let plus = weightedLoss(model, data, rows: rows), plusReference = ReferenceForward.run(model, data, rows: rows)
            c.set(original - eps)
            let minus = weightedLoss(model, data, rows: rows), minusReference = ReferenceForward.run(model, data, rows: rows)
            c.set(original)
            if plusReference.active != base.active || minusReference.active != base.active || base.closestToKink < 1e-5 {
                kinks += 1
                continue
            }
            let h = Double((original + eps) - (original - eps)) / 2
            let fd = (plus - minus) / (2 * h)
            if abs(g) > 1e-3 { checked[c.name.components(separatedBy: ".").first!.components(separatedBy: " ").first!, default: 0] += 1 }
            assertClose(g, fd, relative: 1e-2, absolute: 5e-4, c.name)
        }
        XCTAssertLessThanOrEqual(kinks, list.count / 20)
        for kind in ["embedding", "dense0", "dense1", "logit", "wide"] {
            XCTAssertGreaterThan(checked[kind] ?? 0, 0, "\(kind) checked on non-zero gradients")
        }
        // The joint logit's bias gets Σ w·(σ(z) − y), from the Double reference forward pass.
        let z = ReferenceForward.run(model, data, rows: rows).logits
        let expected = rows.indices.reduce(0.0) { sum, b in
            sum + Double(weights[b]) * (BinaryMetrics.sigmoid(z[b]) - Double(data.labels[b]))
        }
        let names = list.map(\.name)
        XCTAssertEqual(analytic[names.lastIndex(of: "wide bias")!], expected, accuracy: 1e-5)
        XCTAssertEqual(analytic[names.lastIndex(of: "logit.bias")!], expected, accuracy: 1e-5)
    }

    /// FTRL's and AdaGrad's accumulators see the weighted gradient: a step where rows 0 and 3
    /// weigh 2 leaves the same state (to Float rounding of the sums' order) as an unweighted step
    /// whose batch holds rows 0 and 3 twice.
    func testIntegerWeightsStepLikeRepeatedRowsWithFTRLAndAdaGrad() throws {
        let config = TinyModel.config(wide: .ftrl, deep: .adagrad, lr: 0.05, seed: 8)
        let (layout, plain) = try TinyModel.load(config)
        var data = plain
        data.weights = [2, 1, 1, 2, 1, 1, 1, 1]
        let weightedModel = WideDeepModel(layout: layout, config: config)
        let repeatedModel = WideDeepModel(layout: layout, config: config)
        TinyModel.trainStep(weightedModel, data, rows: Array(0..<8))
        TinyModel.trainStep(repeatedModel, plain, rows: [0, 0, 1, 2, 3, 3, 4, 5, 6, 7])
        let a = weightedModel.captureState(), b = repeatedModel.captureState()
        XCTAssertEqual(a.floats.keys.sorted(), b.floats.keys.sorted())
        var compared = 0
        for name in a.floats.keys.sorted() {
            let x = try XCTUnwrap(a.floats[name]), y = try XCTUnwrap(b.floats[name])
            XCTAssertEqual(x.count, y.count, name)
            for i in x.indices {
                XCTAssertEqual(x[i], y[i], accuracy: 1e-5 + 1e-4 * abs(y[i]), "\(name)[\(i)]")
            }
            compared += 1
        }
        XCTAssertNotNil(a.floats["wide.ftrl_n"], "the FTRL accumulator n is compared")
        XCTAssertGreaterThan(compared, 4)
        // And the weights did change the step: the unweighted batch of 8 leaves another state.
        let unweightedModel = WideDeepModel(layout: layout, config: config)
        TinyModel.trainStep(unweightedModel, plain, rows: Array(0..<8))
        XCTAssertNotEqual(unweightedModel.wide?.n, weightedModel.wide?.n)
    }

    /// A run whose weight column holds 1 everywhere trains bit-identically to the same run with
    /// no weight column (the unweighted loop is the one runs without weights have always used).
    func testUnitWeightsAreBitIdenticalToNoWeights() throws {
        let config = TinyModel.config(wide: .ftrl, deep: .adagrad, lr: 0.05, seed: 2)
        let (layout, plain) = try TinyModel.load(config)
        var ones = plain
        ones.weights = [Float](repeating: 1, count: plain.count)
        let a = WideDeepModel(layout: layout, config: config), b = WideDeepModel(layout: layout, config: config)
        for rows: [Int32] in [[0, 1, 2, 3], [4, 5, 6, 7], Array(0..<8)] {
            TinyModel.trainStep(a, plain, rows: rows)
            TinyModel.trainStep(b, ones, rows: rows)
        }
        XCTAssertEqual(a.captureState().checksum, b.captureState().checksum)
        XCTAssertEqual(a.predictAll(plain, threads: 1), b.predictAll(ones, threads: 1))
    }
}
