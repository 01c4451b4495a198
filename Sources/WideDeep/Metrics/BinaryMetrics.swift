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

    /// Weighted ROC AUC: Σ over (positive i, negative j) of wᵢ·wⱼ·[sᵢ > sⱼ] (ties one half),
    /// over W₊·W₋ — the probability that a positive drawn by weight scores above a negative drawn
    /// by weight. One sort; each tied block's positives beat the negatives below it and half of
    /// the block's own. NaN when one class has no weight.
    public static func auc(scores: [Float], labels: [Float], weights: [Float]) -> Double {
        precondition(scores.count == labels.count && weights.count == labels.count)
        let n = scores.count
        let order = (0..<n).sorted { scores[$0] < scores[$1] }
        var negativeBelow = 0.0, positiveWeight = 0.0, wins = 0.0
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            var blockPositive = 0.0, blockNegative = 0.0
            for k in i...j {
                let w = Double(weights[order[k]])
                if labels[order[k]] > 0.5 { blockPositive += w } else { blockNegative += w }
            }
            wins += blockPositive * (negativeBelow + blockNegative / 2)
            positiveWeight += blockPositive
            negativeBelow += blockNegative
            i = j + 1
        }
        guard positiveWeight > 0, negativeBelow > 0 else { return .nan }
        return wins / (positiveWeight * negativeBelow)
    }

    /// All validation figures from logits, labels and (optionally) sample weights, the
    /// probabilities taken as σ(z + `logitOffset`) (`Calibration`: a negative-downsampled
    /// model's correction; AUC, a ranking figure, does not move). With weights every figure is a
    /// weighted mean (logloss Σw·ℓ/Σw, accuracy, mean prediction, positive rate) and AUC the
    /// weighted AUC; without weights and offset, the unweighted figures exactly as before.
    public static func evaluate(logits: [Float], labels: [Float], weights: [Float], logitOffset: Double = 0) -> EvaluationMetrics {
        guard !weights.isEmpty || logitOffset != 0 else { return evaluate(logits: logits, labels: labels) }
        precondition(logits.count == labels.count && (weights.isEmpty || weights.count == labels.count))
        let n = logits.count
        var loss = 0.0, correct = 0.0, predictionSum = 0.0, positives = 0.0, total = 0.0
        for i in 0..<n {
            let z = Double(logits[i]) + logitOffset, y = Double(labels[i])
            let w = weights.isEmpty ? 1 : Double(weights[i])
            loss += w * logloss(logit: z, label: y)
            let p = sigmoid(z)
            predictionSum += w * p
            positives += w * y
            total += w
            if (p >= 0.5) == (y > 0.5) { correct += w }
        }
        guard n > 0, total > 0 else {
            return EvaluationMetrics(count: n, logloss: .nan, auc: .nan, accuracy: .nan, meanPrediction: .nan, positiveRate: .nan)
        }
        return EvaluationMetrics(
            count: n,
            logloss: loss / total,
            auc: weights.isEmpty ? auc(scores: logits, labels: labels) : auc(scores: logits, labels: labels, weights: weights),
            accuracy: correct / total,
            meanPrediction: predictionSum / total,
            positiveRate: positives / total)
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
