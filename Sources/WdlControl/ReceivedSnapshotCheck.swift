import WideDeep

/// What a client accepts from a server (docs/control-protocol.md, "What a client accepts"): every
/// value read from the socket is checked like file input against what a training session can
/// produce, so that a hostile or broken server cannot make the client (or the dashboard drawing
/// its snapshot) trap on an overflow, a non-finite number converted to an integer or a huge
/// allocation. The first value out of bounds is named; the client ends the connection with it.
struct ReceivedSnapshotCheck {
    /// Counts (steps, examples, rows, epochs, sizes): 0…2⁵³, so they convert to Double exactly and
    /// their sums and differences cannot overflow.
    static let maxCount = 1 << 53
    /// Durations: 0…10¹⁰ s (three centuries).
    static let maxSeconds = 1e10
    /// Throughputs: 0, or one example per 1,000 s … 10¹² examples/s (below that a time left
    /// overflows; no run measures either end).
    static let rateRange = 1e-3...1e12
    /// Elements of any array (a history, the fields, the layers).
    static let maxElements = 1 << 20
    /// UTF-8 bytes of any string (names, paths, messages).
    static let maxStringBytes = 64 * 1024

    /// Checks a snapshot received whole (a welcome) or rebuilt from an update.
    static func check(_ s: TrainingSnapshot) throws(ControlError) {
        try text(s.runName, "runName")
        try text(s.dataDescription, "dataDescription")
        if let detail = s.stateDetail { try text(detail, "stateDetail") }
        for (value, name) in [(s.epoch, "epoch"), (s.totalEpochs, "totalEpochs"), (s.step, "step"),
                              (s.examplesSeen, "examplesSeen"), (s.examplesAtStart, "examplesAtStart"),
                              (s.totalExamples, "totalExamples"), (s.batchSize, "batchSize"),
                              (s.statisticsStep, "statisticsStep"), (s.skippedRows, "skippedRows"),
                              (s.checkpointsSaved, "checkpointsSaved")] {
            try count(value, name)
        }
        try seconds(s.trainingSeconds, "trainingSeconds")
        try seconds(s.elapsedSeconds, "elapsedSeconds")
        try rate(s.examplesPerSecond, "examplesPerSecond")
        // Derived, but drawn (and a positive one divides the examples left): bounded like a rate.
        // Negative only when examples went back below the session's start: never used as a rate.
        let average = s.averageExamplesPerSecond, averageName = "the average rate (examples trained / trainingSeconds)"
        if average > 0 {
            try rate(average, averageName)
        } else if !(average >= -rateRange.upperBound) {
            throw .protocolViolation("\(averageName) is \(average) examples/s: its size must be at most 1e12")
        }
        if let loading = s.loading {
            try text(loading.file, "loading.file")
            try count(loading.rowsRead, "loading.rowsRead")
            try count(loading.rowsSkipped, "loading.rowsSkipped")
            try fraction(loading.fraction, "loading.fraction")
        }
        try elements(s.trainLoss.count, "trainLoss")
        for (i, point) in s.trainLoss.enumerated() {
            try count(point.step, "trainLoss[\(i)].step")
            try count(point.examples, "trainLoss[\(i)].examples")
            try notNegative(point.loss, "trainLoss[\(i)].loss")
        }
        try elements(s.validation.count, "validation")
        for (i, point) in s.validation.enumerated() { try validation(point, "validation[\(i)]") }
        if let best = s.best { try validation(best, "best") }
        if let wide = s.wide { try wideStatistics(wide) }
        try elements(s.embeddings.count, "embeddings")
        for (i, field) in s.embeddings.enumerated() { try embedding(field, "embeddings[\(i)]") }
        try elements(s.dense.count, "dense")
        for (i, layer) in s.dense.enumerated() { try dense(layer, "dense[\(i)]") }
        try elements(s.hyperparameters.count, "hyperparameters")
        for (i, value) in s.hyperparameters.enumerated() where !value.value.isFinite {
            throw .protocolViolation("hyperparameters[\(i)].value is \(value.value): it must be finite")
        }
        try elements(s.markers.count, "markers")
        for (i, marker) in s.markers.enumerated() {
            try count(marker.examples, "markers[\(i)].examples")
            try count(marker.step, "markers[\(i)].step")
        }
        try elements(s.events.count, "events")
        for (i, event) in s.events.enumerated() {
            try count(event.step, "events[\(i)].step")
            try seconds(event.seconds, "events[\(i)].seconds")
            try text(event.message, "events[\(i)].message")
        }
        if let folder = s.checkpointDirectory { try text(folder, "checkpointDirectory") }
        if let path = s.bestCheckpoint { try text(path, "bestCheckpoint") }
        if let step = s.bestCheckpointStep { try count(step, "bestCheckpointStep") }
    }

    /// The welcome's own figures (its snapshot is checked by `check`).
    static func check(_ welcome: ServerWelcome) throws(ControlError) {
        guard welcome.version == ControlWire.version else {
            throw .protocolViolation("welcome.version is \(welcome.version); this client speaks \(ControlWire.version)")
        }
        guard welcome.pid > 0 else { throw .protocolViolation("welcome.pid is \(welcome.pid): not a process id") }
        try seconds(welcome.started, "welcome.started")
        try check(welcome.snapshot)
    }

    // MARK: - Parts

    private static func validation(_ point: ValidationPoint, _ name: String) throws(ControlError) {
        try count(point.step, name + ".step")
        try count(point.epoch, name + ".epoch")
        try count(point.examples, name + ".examples")
        let m = point.metrics
        try count(m.count, name + ".metrics.count")
        // NaN is a real answer (AUC of one class, a diverged loss); a finite figure has its range.
        try notNegative(m.logloss, name + ".metrics.logloss")
        for (value, field) in [(m.auc, "auc"), (m.accuracy, "accuracy"), (m.meanPrediction, "meanPrediction"),
                               (m.positiveRate, "positiveRate")] where !value.isNaN {
            try fraction(value, "\(name).metrics.\(field)")
        }
    }

    private static func wideStatistics(_ wide: WideStatistics) throws(ControlError) {
        try count(wide.nonzero, "wide.nonzero")
        try count(wide.touched, "wide.touched")
        try count(wide.total, "wide.total")
        try elements(wide.groups.count, "wide.groups")
        for (i, group) in wide.groups.enumerated() {
            try text(group.name, "wide.groups[\(i)].name")
            try count(group.nonzero, "wide.groups[\(i)].nonzero")
            try count(group.touched, "wide.groups[\(i)].touched")
        }
        try elements(wide.sparsityHistory.count, "wide.sparsityHistory")
        for (i, value) in wide.sparsityHistory.enumerated() { try fraction(value, "wide.sparsityHistory[\(i)]") }
    }

    private static func embedding(_ field: EmbeddingFieldStatistics, _ name: String) throws(ControlError) {
        try text(field.field, name + ".field")
        try count(field.rows, name + ".rows")
        try count(field.rowsTouched, name + ".rowsTouched")
        try notNegative(field.meanNorm, name + ".meanNorm")
        try notNegative(field.maxNorm, name + ".maxNorm")
        let p = field.normPercentiles
        guard p.isEmpty || p.count == 5 else {
            throw .protocolViolation("\(name).normPercentiles holds \(p.count) values, not the 5 percentiles")
        }
        for (i, value) in p.enumerated() {
            try notNegative(value, "\(name).normPercentiles[\(i)]")
            // Ascending: drawn on a scale set by the largest p95, a larger p5 would leave it.
            if i > 0, value < p[i - 1] {
                throw .protocolViolation("\(name).normPercentiles are not in ascending order")
            }
        }
    }

    private static func dense(_ layer: DenseLayerStatistics, _ name: String) throws(ControlError) {
        try text(layer.name, name + ".name")
        try count(layer.inputs, name + ".inputs")
        try count(layer.outputs, name + ".outputs")
        try notNegative(layer.weightNorm, name + ".weightNorm")
        try notNegative(layer.gradientNorm, name + ".gradientNorm")
        if let dead = layer.deadFraction { try fraction(dead, name + ".deadFraction") }
    }

    // MARK: - Values

    private static func count(_ value: Int, _ name: @autoclosure () -> String) throws(ControlError) {
        guard value >= 0 && value <= maxCount else {
            throw .protocolViolation("\(name()) is \(value): a count must be 0…2^53")
        }
    }

    private static func seconds(_ value: Double, _ name: @autoclosure () -> String) throws(ControlError) {
        guard value >= 0 && value <= maxSeconds else {
            throw .protocolViolation("\(name()) is \(value): a duration must be 0…1e10 s")
        }
    }

    private static func rate(_ value: Double, _ name: @autoclosure () -> String) throws(ControlError) {
        guard value == 0 || rateRange.contains(value) else {
            throw .protocolViolation("\(name()) is \(value) examples/s: it must be 0 or 0.001…1e12")
        }
    }

    private static func fraction(_ value: Double, _ name: @autoclosure () -> String) throws(ControlError) {
        guard value >= 0 && value <= 1 else { throw .protocolViolation("\(name()) is \(value): it must be 0…1") }
    }

    /// Norms and losses: NaN or +∞ when training diverged, never negative.
    private static func notNegative(_ value: Double, _ name: @autoclosure () -> String) throws(ControlError) {
        guard !(value < 0) else { throw .protocolViolation("\(name()) is \(value): it cannot be negative") }
    }

    private static func elements(_ count: Int, _ name: @autoclosure () -> String) throws(ControlError) {
        guard count <= maxElements else {
            throw .protocolViolation("\(name()) holds \(count) elements, more than \(maxElements)")
        }
    }

    static func text(_ value: String, _ name: @autoclosure () -> String) throws(ControlError) {
        guard value.utf8.count <= maxStringBytes else {
            throw .protocolViolation("\(name()) is \(value.utf8.count) bytes long, more than \(maxStringBytes)")
        }
    }
}
