/// Where a run is: its counters and its position in the data order. Owned by the session's
/// training queue; the snapshot shows a copy.
struct RunProgress {
    var step = 0
    /// Epochs completed (what a checkpoint records and the loop counts). What the run shows is
    /// `epochNumber`.
    var epoch = 0
    var examples = 0
    /// Examples already seen when this session started (non-zero for a resumed run).
    var examplesAtStart = 0
    /// Seconds spent in training steps (loading, evaluation and pauses excluded).
    var trainingSeconds = 0.0
    /// Draws each epoch's permutation (and a streamed pass's shuffle seed).
    var generator: SeededGenerator
    /// The generator as it was before this epoch's draw, and the epoch's examples done: enough to
    /// redraw the same order on resume (`DataPosition`).
    var epochStartGenerator: SeededGenerator
    var epochOffset = 0
    /// Where a resumed run picks up inside its first epoch.
    var resumeOffset = 0

    init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
        epochStartGenerator = generator
    }

    /// Continues from a checkpoint's counters and data position.
    init(resuming checkpoint: LoadedCheckpoint) {
        generator = checkpoint.position.epochStartGenerator
        epochStartGenerator = generator
        step = checkpoint.step
        epoch = checkpoint.epoch
        examples = checkpoint.examples
        examplesAtStart = checkpoint.examples
        resumeOffset = checkpoint.position.epochOffset
    }

    /// Training examples per second of training time over this session.
    var examplesPerSecond: Double {
        trainingSeconds > 0 ? Double(examples - examplesAtStart) / trainingSeconds : 0
    }

    /// The epoch as every figure shows it (snapshot, metrics log, headless lines, summary): the
    /// one under way, counted from 1; at an epoch's end, before the next one's first step, the
    /// one that just ended (its end evaluation and checkpoint belong to it).
    var epochNumber: Int { epoch > 0 && epochOffset == 0 ? epoch : epoch + 1 }

    var position: DataPosition { DataPosition(epochOffset: epochOffset, epochStartGenerator: epochStartGenerator) }

    /// Before an epoch draws its order.
    mutating func beginEpoch(_ index: Int) {
        epoch = index
        epochStartGenerator = generator
    }

    /// After an epoch's last minibatch.
    mutating func endEpoch() {
        epoch += 1
        epochOffset = 0
        epochStartGenerator = generator
    }

    /// Counts a trained minibatch.
    mutating func add(_ step: TrainingLoop.Step) {
        self.step += 1
        examples += step.count
        trainingSeconds += step.seconds
        epochOffset = step.epochOffset
    }

    /// The resume offset, once: the epoch it belongs to starts there, later ones at 0.
    mutating func takeResumeOffset() -> Int {
        defer { resumeOffset = 0 }
        return resumeOffset
    }
}

extension TrainingSnapshot {
    /// Shows the run's counters as they are in `progress`.
    mutating func show(_ progress: RunProgress) {
        step = progress.step
        epoch = progress.epochNumber
        examplesSeen = progress.examples
        examplesAtStart = progress.examplesAtStart
        trainingSeconds = progress.trainingSeconds
    }
}
