import Foundation
import XCTest
@testable import WideDeep

/// Dropout and L2 of the deep part, on the tiny model with SGD at learning rate 1, where one step
/// moves each parameter by exactly −g (so g = θ_before − θ_after).
final class RegularizationTests: XCTestCase {
    private func gradients(_ model: WideDeepModel, _ data: EncodedDataset, rows: [Int32]) throws -> [String: [Double]] {
        let before = model.captureState()
        TinyModel.trainStep(model, data, rows: rows)
        let after = model.captureState()
        try model.restoreState(before)
        model.stepsTrained -= 1
        var g: [String: [Double]] = [:]
        for (name, values) in before.floats where name.hasPrefix("deep.") && !name.contains("adagrad") {
            g[name] = zip(values, after.floats[name]!).map { Double($0) - Double($1) }
        }
        return g
    }

    /// L2 adds exactly λ·θ to the gradient of every dense weight (not the biases) and of every
    /// embedding coordinate of the rows the batch touched (not the other rows): the gradient of
    /// λ/2·‖θ‖² over those parameters. The data part of the gradient is checked against finite
    /// differences in GradientCheckTests; here the two runs differ by the penalty alone.
    func testL2AddsLambdaTimesTheWeightsToTheirGradients() throws {
        let config = TinyModel.config(wide: .sgd, deep: .sgd, lr: 1)
        let (layout, data) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        let rows: [Int32] = [0, 2, 5]
        let plain = try gradients(model, data, rows: rows)
        model.regularization = DeepRegularization(l2: 0.3, embeddingL2: 0.2)
        let penalized = try gradients(model, data, rows: rows)
        let state = model.captureState()
        var touched = 0
        for (name, g) in penalized {
            let theta = state.floats[name]!
            for i in g.indices {
                let difference = g[i] - plain[name]![i]
                let expected: Double
                if name.hasSuffix(".weight") {
                    expected = 0.3 * Double(theta[i])
                } else if name.hasPrefix("deep.embedding.") {
                    // A touched row moved in the plain step too (or its data gradient was 0 and
                    // then so is nothing else): decide by the rows the batch used.
                    let table = model.tables.first { "deep.embedding.\($0.field)" == name }!
                    let row = Int32(i / layout.embeddingDim)
                    expected = usedRows(table, model: model, data: data, rows: rows).contains(row) ? 0.2 * Double(theta[i]) : 0
                    if expected != 0 { touched += 1 }
                } else {
                    expected = 0
                }
                XCTAssertEqual(difference, expected, accuracy: 1e-6 + 1e-5 * abs(expected), "\(name)[\(i)]")
            }
        }
        XCTAssertGreaterThan(touched, 0)
    }

    private func usedRows(_ table: EmbeddingTable, model: WideDeepModel, data: EncodedDataset, rows: [Int32]) -> Set<Int32> {
        let f = model.tables.firstIndex { $0 === table }!
        var used = Set<Int32>()
        for r in rows.map(Int.init) {
            if f < data.singleFields {
                used.insert(data.embeddingRows[r * data.singleFields + f])
            } else {
                let m = f - data.singleFields
                for j in Int(data.multiOffsets[m][r])..<Int(data.multiOffsets[m][r + 1]) { used.insert(data.multiRows[m][j]) }
            }
        }
        return used
    }

    /// The summed training loss with this step's dropout masks (the forward pass of training,
    /// without the step).
    private func trainingLoss(_ model: WideDeepModel, _ data: EncodedDataset, rows: [Int32]) -> Double {
        rows.withUnsafeBufferPointer { model.forward(data, rows: $0, threads: 1, training: true) }
        var sum = 0.0
        for (b, r) in rows.enumerated() {
            sum += BinaryMetrics.logloss(logit: Double(model.workspace.logits[b]), label: Double(data.labels[Int(r)]))
        }
        return sum
    }

    /// With dropout, backward differentiates the masked network: each dense weight's gradient
    /// matches central differences of the training loss under the same step's masks.
    func testDropoutGradientsMatchFiniteDifferencesUnderTheSameMasks() throws {
        let config = TinyModel.config(wide: .sgd, deep: .sgd, lr: 1)
        let (layout, data) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        for layer in model.layers where layer.relu { layer.bias = layer.bias.map { $0 + 0.3 } }
        model.regularization.dropout = 0.4
        let rows: [Int32] = Array(0..<8)
        let g = try gradients(model, data, rows: rows)
        let withoutDropout: [String: [Double]] = try {
            model.regularization.dropout = 0
            defer { model.regularization.dropout = 0.4 }
            return try gradients(model, data, rows: rows)
        }()
        XCTAssertNotEqual(g["deep.dense1.weight"], withoutDropout["deep.dense1.weight"], "some units were dropped")
        var checked = 0, agreed = 0
        for layer in model.layers {
            let name = "deep.\(layer.name).weight"
            for i in layer.weight.indices {
                let original = layer.weight[i], eps: Float = 2e-3
                layer.weight[i] = original + eps
                let plus = trainingLoss(model, data, rows: rows)
                layer.weight[i] = original - eps
                let minus = trainingLoss(model, data, rows: rows)
                layer.weight[i] = original
                let h = Double((original + eps) - (original - eps)) / 2
                let fd = (plus - minus) / (2 * h)
                checked += 1
                // A ReLU crossing its kink within ±ε breaks a central difference; those are rare.
                if abs(fd - g[name]![i]) <= 3e-4 + 1e-2 * abs(fd) { agreed += 1 }
            }
        }
        XCTAssertGreaterThan(checked, 40)
        XCTAssertGreaterThanOrEqual(Double(agreed), 0.97 * Double(checked), "\(agreed) of \(checked) agree")
    }

    /// Dropout is a training-only operation: predictions are the same with any rate, and the
    /// masks of a step depend on the step count alone (the same step twice drops the same units).
    func testDropoutIsOffInEvaluationAndReproducible() throws {
        let config = TinyModel.config(wide: .sgd, deep: .sgd, lr: 1)
        let (layout, data) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        let plain = model.predictAll(data, threads: 1)
        model.regularization.dropout = 0.5
        XCTAssertEqual(model.predictAll(data, threads: 1), plain)
        let rows: [Int32] = Array(0..<8)
        let first = trainingLoss(model, data, rows: rows)
        XCTAssertEqual(trainingLoss(model, data, rows: rows), first, "same step, same masks")
        XCTAssertNotEqual(first, TinyModel.loss(model, data, rows: rows), "training drops units")
        model.stepsTrained += 1
        XCTAssertNotEqual(trainingLoss(model, data, rows: rows), first, "another step, other masks")
    }
}
