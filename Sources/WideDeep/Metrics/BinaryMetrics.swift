import Foundation

/// Metrics of binary classifiers computed from logits and 0/1 labels.
public enum BinaryMetrics {
    /// Logistic loss of one example computed from its logit without overflow:
    /// `log(1 + e^z) − y·z = max(z, 0) − y·z + log(1 + e^{−|z|})`.
    @inlinable
    public static func logloss(logit z: Double, label y: Double) -> Double {
        max(z, 0) - y * z + log1p(exp(-abs(z)))
    }

    /// σ(z), stable for large |z|.
    @inlinable
    public static func sigmoid(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + exp(-z)) }
        let e = exp(z)
        return e / (1 + e)
    }

    /// Exact ROC AUC: the probability that a random positive scores above a random negative,
    /// ties counting one half. Computed from ranks after sorting (ties get their average rank),
    /// the Mann–Whitney U statistic. NaN when one class is absent.
    public static func auc(scores: [Float], labels: [Float]) -> Double {
        precondition(scores.count == labels.count)
        let n = scores.count
        let order = (0..<n).sorted { scores[$0] < scores[$1] }
        var positives = 0.0
        var rankSumOfPositives = 0.0
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            // Ranks are 1-based; the tied block i…j shares the average rank.
            let averageRank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] > 0.5 {
                positives += 1
                rankSumOfPositives += averageRank
            }
            i = j + 1
        }
        let negatives = Double(n) - positives
        guard positives > 0, negatives > 0 else { return .nan }
        return (rankSumOfPositives - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// All validation figures from logits and labels.
    public static func evaluate(logits: [Float], labels: [Float]) -> EvaluationMetrics {
        precondition(logits.count == labels.count)
        let n = logits.count
        guard n > 0 else {
            return EvaluationMetrics(count: 0, logloss: .nan, auc: .nan, accuracy: .nan,
                                     meanPrediction: .nan, positiveRate: .nan)
        }
        var loss = 0.0, correct = 0, predictionSum = 0.0, positives = 0.0
        for i in 0..<n {
            let z = Double(logits[i]), y = Double(labels[i])
            loss += logloss(logit: z, label: y)
            let p = sigmoid(z)
            predictionSum += p
            positives += y
            if (p >= 0.5) == (y > 0.5) { correct += 1 }
        }
        return EvaluationMetrics(
            count: n,
            logloss: loss / Double(n),
            auc: auc(scores: logits, labels: labels),
            accuracy: Double(correct) / Double(n),
            meanPrediction: predictionSum / Double(n),
            positiveRate: positives / Double(n))
    }
}
