import Foundation
import XCTest
@testable import WideDeep

final class BinaryMetricsTests: XCTestCase {
    /// The O(n²) definition of ROC AUC: over all (positive, negative) pairs, 1 when the positive
    /// scores higher, ½ on a tie, 0 otherwise; divided by the number of pairs.
    private func pairwiseAUC(scores: [Float], labels: [Float]) -> Double {
        var wins = 0.0, pairs = 0.0
        for i in scores.indices where labels[i] > 0.5 {
            for j in scores.indices where labels[j] <= 0.5 {
                pairs += 1
                if scores[i] > scores[j] { wins += 1 } else if scores[i] == scores[j] { wins += 0.5 }
            }
        }
        return wins / pairs
    }

    func testAUCMatchesPairwiseReferenceWithManyTies() {
        var generator = SeededGenerator(seed: 2024)
        for trial in 0..<30 {
            let n = 5 + Int(generator.next() % 300)
            // Few distinct scores, so ties are everywhere (within and across classes).
            let levels = 1 + Int(generator.next() % 8)
            let positiveShare = generator.nextUnit()
            var scores: [Float] = [], labels: [Float] = []
            for _ in 0..<n {
                let label: Float = generator.nextUnit() < positiveShare ? 1 : 0
                // Scores mildly related to the label, so AUCs spread around 0.5…0.8.
                let level = Int(generator.next() % UInt64(levels)) + (label > 0 && generator.nextUnit() < 0.3 ? 1 : 0)
                scores.append(Float(level) * 0.25 - 1)
                labels.append(label)
            }
            let positives = labels.filter { $0 > 0.5 }.count
            let auc = BinaryMetrics.auc(scores: scores, labels: labels)
            if positives == 0 || positives == n {
                XCTAssertTrue(auc.isNaN, "trial \(trial): one class only must give NaN")
                continue
            }
            XCTAssertEqual(auc, pairwiseAUC(scores: scores, labels: labels), accuracy: 1e-12, "trial \(trial)")
        }
    }

    func testAUCWithContinuousScoresAndShuffledOrder() {
        var generator = SeededGenerator(seed: 7)
        let n = 500
        let labels: [Float] = (0..<n).map { _ in generator.nextUnit() < 0.3 ? 1 : 0 }
        let scores: [Float] = labels.map { Float(generator.nextGaussian()) + $0 }
        XCTAssertEqual(BinaryMetrics.auc(scores: scores, labels: labels),
                       pairwiseAUC(scores: scores, labels: labels), accuracy: 1e-12)
    }

    func testAUCHandExamples() {
        // Perfect ranking: 1. Reversed: 0. All scores equal: every pair a tie, ½.
        XCTAssertEqual(BinaryMetrics.auc(scores: [0.1, 0.2, 0.8, 0.9], labels: [0, 0, 1, 1]), 1)
        XCTAssertEqual(BinaryMetrics.auc(scores: [0.9, 0.8, 0.2, 0.1], labels: [0, 0, 1, 1]), 0)
        XCTAssertEqual(BinaryMetrics.auc(scores: [3, 3, 3, 3, 3], labels: [0, 1, 0, 1, 1]), 0.5)
        // Positives {0.5, 0.7}, negatives {0.5, 0.1}: pairs (0.5,0.5)=½, (0.5,0.1)=1, (0.7,0.5)=1,
        // (0.7,0.1)=1 → 3.5/4 = 0.875.
        XCTAssertEqual(BinaryMetrics.auc(scores: [0.5, 0.7, 0.5, 0.1], labels: [1, 1, 0, 0]), 0.875)
    }

    func testLoglossIsStableForLargeLogits() {
        // log(1 + e^z) − y·z: for z = 1000, log(1 + e^1000) = 1000 + log(1 + e^-1000) = 1000 (to
        // double precision), so y = 1 gives 0 and y = 0 gives 1000; for z = −1000 the converse.
        XCTAssertEqual(BinaryMetrics.logloss(logit: 1000, label: 1), 0)
        XCTAssertEqual(BinaryMetrics.logloss(logit: 1000, label: 0), 1000)
        XCTAssertEqual(BinaryMetrics.logloss(logit: -1000, label: 1), 1000)
        XCTAssertEqual(BinaryMetrics.logloss(logit: -1000, label: 0), 0)
        // Moderate logits against the naive formula, which is accurate there.
        for z in [-20.0, -3.5, -0.1, 0, 0.7, 4, 15] {
            for y in [0.0, 1.0] {
                let naive = log(1 + exp(z)) - y * z
                XCTAssertEqual(BinaryMetrics.logloss(logit: z, label: y), naive, accuracy: 1e-12, "z=\(z) y=\(y)")
            }
        }
        XCTAssertEqual(BinaryMetrics.sigmoid(1000), 1)
        XCTAssertEqual(BinaryMetrics.sigmoid(-1000), 0)
        XCTAssertEqual(BinaryMetrics.sigmoid(-2), 1 / (1 + exp(2)), accuracy: 1e-15)
        let metrics = BinaryMetrics.evaluate(logits: [1000, -1000], labels: [1, 0])
        XCTAssertEqual(metrics.logloss, 0)
        XCTAssertTrue(metrics.logloss.isFinite)
    }

    func testEvaluateHandExample() {
        // logits 2, −1, 0, 3 with labels 1, 0, 1, 0.
        // p = σ(z): 0.880797, 0.268941, 0.5, 0.952574 → predicted classes (p ≥ 0.5) 1, 0, 1, 1:
        // 3 of 4 right → accuracy 0.75.
        // mean prediction = (0.880797 + 0.268941 + 0.5 + 0.952574) / 4 = 0.650578; positive rate ½.
        // AUC: positives {2, 0} vs negatives {−1, 3}: 2>−1, 2<3, 0>−1, 0<3 → 2/4 = 0.5.
        // logloss = mean of log(1+e^z) − y·z = (0.126928 + 0.313262 + 0.693147 + 3.048587)/4 = 1.045481.
        let m = BinaryMetrics.evaluate(logits: [2, -1, 0, 3], labels: [1, 0, 1, 0])
        XCTAssertEqual(m.count, 4)
        XCTAssertEqual(m.accuracy, 0.75)
        XCTAssertEqual(m.positiveRate, 0.5)
        let p = [2.0, -1, 0, 3].map { 1 / (1 + exp(-$0)) }
        XCTAssertEqual(m.meanPrediction, p.reduce(0, +) / 4, accuracy: 1e-12)
        XCTAssertEqual(m.meanPrediction, 0.650578, accuracy: 1e-6)
        XCTAssertEqual(m.auc, 0.5)
        let losses = [log(1 + exp(2.0)) - 2, log(1 + exp(-1.0)), log(2.0), log(1 + exp(3.0))]
        XCTAssertEqual(m.logloss, losses.reduce(0, +) / 4, accuracy: 1e-12)
        XCTAssertEqual(m.logloss, 1.045481, accuracy: 1e-6)

        // Threshold: p = 0.5 exactly (z = 0) counts as predicting 1.
        XCTAssertEqual(BinaryMetrics.evaluate(logits: [0], labels: [1]).accuracy, 1)
        XCTAssertEqual(BinaryMetrics.evaluate(logits: [0], labels: [0]).accuracy, 0)
        XCTAssertEqual(BinaryMetrics.evaluate(logits: [], labels: []).count, 0)
    }
}
