/// Training-loss points with bounded memory: when full, neighbouring points are merged in pairs
/// (their losses averaged), so the whole run stays in view at half the resolution.
public struct LossHistory: Sendable {
    public let capacity: Int
    public private(set) var points: [LossPoint] = []
    /// Minibatches each stored point stands for (doubles at each merge).
    public private(set) var stepsPerPoint = 1
    private var pending: (sum: Double, count: Int) = (0, 0)

    public init(capacity: Int) {
        precondition(capacity >= 2)
        self.capacity = capacity
    }

    public mutating func add(_ point: LossPoint) {
        pending.sum += point.loss
        pending.count += 1
        guard pending.count >= stepsPerPoint else { return }
        points.append(LossPoint(step: point.step, examples: point.examples, loss: pending.sum / Double(pending.count)))
        pending = (0, 0)
        if points.count >= capacity {
            // With an odd count the last point has no partner: carry its steps into `pending`
            // (it stands for `stepsPerPoint` steps) instead of dropping them.
            let unpaired = points.count % 2 == 1 ? points.last : nil
            points = stride(from: 0, to: points.count - 1, by: 2).map { i in
                LossPoint(step: points[i + 1].step, examples: points[i + 1].examples,
                          loss: (points[i].loss + points[i + 1].loss) / 2)
            }
            if let unpaired { pending = (unpaired.loss * Double(stepsPerPoint), stepsPerPoint) }
            stepsPerPoint *= 2
        }
    }
}
