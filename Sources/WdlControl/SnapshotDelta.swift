import WideDeep

/// One update of the protocol: what changed in the snapshot since the one a client last
/// received. The history arrays travel as `ArrayDelta`s (only new points in the common case);
/// everything else travels whole in `rest` (the snapshot with its histories empty), and only
/// when some of it changed.
public struct SnapshotDelta: Sendable, Codable {
    /// The snapshot without its histories; nil when unchanged.
    public var rest: TrainingSnapshot?
    public var trainLoss: ArrayDelta<LossPoint>?
    public var validation: ArrayDelta<ValidationPoint>?
    public var markers: ArrayDelta<RunMarker>?
    public var events: ArrayDelta<RunEvent>?

    public init(rest: TrainingSnapshot? = nil, trainLoss: ArrayDelta<LossPoint>? = nil,
                validation: ArrayDelta<ValidationPoint>? = nil, markers: ArrayDelta<RunMarker>? = nil,
                events: ArrayDelta<RunEvent>? = nil) {
        self.rest = rest
        self.trainLoss = trainLoss
        self.validation = validation
        self.markers = markers
        self.events = events
    }

    /// The change from `old` to `new`; `restChanged` tells whether anything but the histories
    /// differs (the server compares encoded bytes, once per tick for all clients).
    public init(from old: TrainingSnapshot, to new: TrainingSnapshot, restChanged: Bool) {
        rest = restChanged ? new.withoutHistories : nil
        trainLoss = Self.delta(old.trainLoss, new.trainLoss, same: { $0.sameBits(as: $1) })
        validation = Self.delta(old.validation, new.validation, same: { $0.sameBits(as: $1) })
        markers = Self.delta(old.markers, new.markers)
        events = Self.delta(old.events, new.events, same: { $0.sameBits(as: $1) })
    }

    /// True when the update would change nothing (the server then sends none).
    public var isEmpty: Bool { rest == nil && trainLoss == nil && validation == nil && markers == nil && events == nil }

    /// The client's next snapshot (no history longer than `ReceivedSnapshotCheck.maxElements`;
    /// the client checks the rest of it with `ReceivedSnapshotCheck`).
    public func apply(to old: TrainingSnapshot) throws(ControlError) -> TrainingSnapshot {
        let most = ReceivedSnapshotCheck.maxElements
        var new = rest ?? old
        new.trainLoss = try trainLoss?.apply(to: old.trainLoss, maxCount: most) ?? old.trainLoss
        new.validation = try validation?.apply(to: old.validation, maxCount: most) ?? old.validation
        new.markers = try markers?.apply(to: old.markers, maxCount: most) ?? old.markers
        new.events = try events?.apply(to: old.events, maxCount: most) ?? old.events
        return new
    }

    /// nil when the array did not change.
    private static func delta<T>(_ old: [T], _ new: [T], same: (T, T) -> Bool = { $0 == $1 }) -> ArrayDelta<T>? {
        let delta = ArrayDelta(from: old, to: new, same: same)
        return delta.isIdentity(forCount: old.count) ? nil : delta
    }
}

extension TrainingSnapshot {
    /// The snapshot with its history arrays empty: what `SnapshotDelta.rest` carries.
    public var withoutHistories: TrainingSnapshot {
        var copy = self
        copy.trainLoss = []
        copy.validation = []
        copy.markers = []
        copy.events = []
        return copy
    }
}

// Bitwise equality, so that a NaN figure (AUC with one class, a diverged loss) matches itself and
// is not sent again with every update.
extension LossPoint {
    func sameBits(as other: LossPoint) -> Bool {
        step == other.step && examples == other.examples && loss.bitPattern == other.loss.bitPattern
    }
}

extension ValidationPoint {
    func sameBits(as other: ValidationPoint) -> Bool {
        let a = metrics, b = other.metrics
        return step == other.step && epoch == other.epoch && examples == other.examples && a.count == b.count
            && [a.logloss, a.auc, a.accuracy, a.meanPrediction, a.positiveRate].map(\.bitPattern)
            == [b.logloss, b.auc, b.accuracy, b.meanPrediction, b.positiveRate].map(\.bitPattern)
    }
}

extension RunEvent {
    func sameBits(as other: RunEvent) -> Bool {
        step == other.step && seconds.bitPattern == other.seconds.bitPattern && kind == other.kind
            && message == other.message
    }
}
