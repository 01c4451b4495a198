import Foundation
import XCTest
@testable import WideDeep

/// Weighted metrics (`data.weight`) against independent references: the O(n²) pairwise weighted
/// AUC, and the unweighted figures of the data with each row repeated as often as its integer
/// weight says. The negative-sampling correction against He et al.'s formula.
final class WeightedMetricsTests: XCTestCase {
    /// Σ over (positive i, negative j) of wᵢwⱼ·(1 if sᵢ > sⱼ, ½ if equal), over Σwᵢ·Σwⱼ.
    private func pairwiseWeightedAUC(scores: [Float], labels: [Float], weights: [Float]) -> Double {
        var wins = 0.0, pairs = 0.0
        for i in scores.indices where labels[i] > 0.5 {
            for j in scores.indices where labels[j] <= 0.5 {
                let w = Double(weights[i]) * Double(weights[j])
                pairs += w
                if scores[i] > scores[j] { wins += w } else if scores[i] == scores[j] { wins += w / 2 }
            }
        }
        return wins / pairs
    }

    func testWeightedAUCMatchesPairwiseReferenceWithTies() {
        var generator = SeededGenerator(seed: 77)
        var compared = 0
        for trial in 0..<40 {
            let n = 4 + Int(generator.next() % 250)
            let levels = 1 + Int(generator.next() % 6)   // few scores: ties within and across classes
            var scores: [Float] = [], labels: [Float] = [], weights: [Float] = []
            for _ in 0..<n {
                let label: Float = generator.nextUnit() < 0.35 ? 1 : 0
                let level = Int(generator.next() % UInt64(levels)) + (label > 0 && generator.nextUnit() < 0.4 ? 1 : 0)
                scores.append(Float(level) * 0.5 - 1)
                labels.append(label)
                weights.append(Float(generator.nextUnit() * 5))
            }
            let auc = BinaryMetrics.auc(scores: scores, labels: labels, weights: weights)
            let positives = labels.filter { $0 > 0.5 }.count
            if positives == 0 || positives == n { XCTAssertTrue(auc.isNaN, "trial \(trial)"); continue }
            XCTAssertEqual(auc, pairwiseWeightedAUC(scores: scores, labels: labels, weights: weights), accuracy: 1e-12, "trial \(trial)")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 30)
    }

    /// A hand-computed case: positives (score 2, w 1), (score 1, w 3); negatives (score 1, w 2),
    /// (score 0, w 1). Pairs: 2>1: 1·2, 2>0: 1·1, 1=1: ½·3·2, 1>0: 3·1 → 9 of 4·3 = 0.75.
    func testWeightedAUCByHand() {
        let auc = BinaryMetrics.auc(scores: [2, 1, 1, 0], labels: [1, 1, 0, 0], weights: [1, 3, 2, 1])
        XCTAssertEqual(auc, 0.75, accuracy: 1e-15)
    }

    /// Integer weights are the same as repeating rows: every weighted figure equals the
    /// unweighted figure of the expanded data (a weight-0 row is as if absent).
    func testIntegerWeightsEqualRepeatedRows() {
        var generator = SeededGenerator(seed: 5)
        var logits: [Float] = [], labels: [Float] = [], weights: [Float] = []
        var expandedLogits: [Float] = [], expandedLabels: [Float] = []
        for _ in 0..<400 {
            let z = Float(generator.nextUnit() * 6 - 3), y: Float = generator.nextUnit() < 0.3 ? 1 : 0
            let w = Int(generator.next() % 4)
            logits.append(z); labels.append(y); weights.append(Float(w))
            for _ in 0..<w { expandedLogits.append(z); expandedLabels.append(y) }
        }
        let weighted = BinaryMetrics.evaluate(logits: logits, labels: labels, weights: weights)
        let expanded = BinaryMetrics.evaluate(logits: expandedLogits, labels: expandedLabels)
        for (name, a, b) in [("logloss", weighted.logloss, expanded.logloss), ("auc", weighted.auc, expanded.auc),
                             ("accuracy", weighted.accuracy, expanded.accuracy),
                             ("mean prediction", weighted.meanPrediction, expanded.meanPrediction),
                             ("positive rate", weighted.positiveRate, expanded.positiveRate)] {
            XCTAssertEqual(a, b, accuracy: 1e-12, name)
        }
        XCTAssertEqual(weighted.count, 400, "count is rows read, not the weight")
    }

    /// Without weights and correction the weighted entry point is the unweighted one, bit for bit.
    func testNoWeightsNoOffsetIsTheUnweightedComputation() {
        var generator = SeededGenerator(seed: 9)
        let logits = (0..<300).map { _ in Float(generator.nextUnit() * 8 - 4) }
        let labels = (0..<300).map { _ in Float(generator.nextUnit() < 0.4 ? 1 : 0) }
        XCTAssertEqual(BinaryMetrics.evaluate(logits: logits, labels: labels, weights: []),
                       BinaryMetrics.evaluate(logits: logits, labels: labels))
        let ones = BinaryMetrics.evaluate(logits: logits, labels: labels, weights: [Float](repeating: 1, count: 300))
        let plain = BinaryMetrics.evaluate(logits: logits, labels: labels)
        XCTAssertEqual(ones.auc, plain.auc, accuracy: 1e-15)
        XCTAssertEqual(ones.logloss, plain.logloss, accuracy: 1e-12)
    }

    /// logit(p) = logit(q) + ln r is He et al.'s p = q / (q + (1 − q)/r), and the metrics use it:
    /// mean prediction is the mean corrected probability; AUC does not move.
    func testCalibrationLogitFormIsHeEtAlFormula() {
        for r in [0.01, 0.1, 0.5, 1.0] {
            let calibration = Calibration(negativeSampling: r)
            for z in stride(from: -8.0, through: 8.0, by: 0.5) {
                let q = BinaryMetrics.sigmoid(z)
                XCTAssertEqual(Double(calibration.probability(logit: Float(z))), calibration.correct(probability: q),
                               accuracy: 1e-6, "r \(r), z \(z)")
            }
        }
        let logits: [Float] = [-2, -1, 0, 1, 2, 3], labels: [Float] = [0, 0, 1, 0, 1, 1]
        let r = 0.1, calibration = Calibration(negativeSampling: r)
        let corrected = BinaryMetrics.evaluate(logits: logits, labels: labels, weights: [], logitOffset: calibration.logitOffset)
        let mean = logits.map { calibration.correct(probability: BinaryMetrics.sigmoid(Double($0))) }.reduce(0, +) / 6
        XCTAssertEqual(corrected.meanPrediction, mean, accuracy: 1e-12)
        XCTAssertEqual(corrected.auc, BinaryMetrics.evaluate(logits: logits, labels: labels).auc)
        XCTAssertEqual(Calibration.none.logitOffset, 0)
    }
}
