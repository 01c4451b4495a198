// The snapshot's wire form (docs/control-protocol.md): every stored property under its Swift name,
// optionals left out when nil. `ControlWireTests` checks that `WireKey` lists every stored property,
// so a field added to `TrainingSnapshot` cannot be silently missing on attached dashboards.

extension TrainingSnapshot: Codable {
    enum WireKey: String, CodingKey, CaseIterable {
        case runName, dataDescription, mode, state, stateDetail, epoch
        case totalEpochs, step, examplesSeen, examplesAtStart, totalExamples, totalExamplesIsEstimate
        case batchSize, trainingSeconds, elapsedSeconds, examplesPerSecond, loading, trainLoss
        case validation, wide, embeddings, dense, statisticsStep, hyperparameters
        case markers, events, skippedRows, skippedRowsReasons, checkpointsSaved, hasUnsavedProgress, checkpointDirectory
        case best, bestMetric, bestCheckpoint, bestCheckpointStep, restoredBest, canRollBack, lastChanged
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: WireKey.self)
        self.init()
        runName = try c.decode(String.self, forKey: .runName)
        dataDescription = try c.decode(String.self, forKey: .dataDescription)
        mode = try c.decode(ModelMode.self, forKey: .mode)
        state = try c.decode(RunState.self, forKey: .state)
        stateDetail = try c.decodeIfPresent(String.self, forKey: .stateDetail)
        epoch = try c.decode(Int.self, forKey: .epoch)
        totalEpochs = try c.decode(Int.self, forKey: .totalEpochs)
        step = try c.decode(Int.self, forKey: .step)
        examplesSeen = try c.decode(Int.self, forKey: .examplesSeen)
        examplesAtStart = try c.decode(Int.self, forKey: .examplesAtStart)
        totalExamples = try c.decode(Int.self, forKey: .totalExamples)
        totalExamplesIsEstimate = try c.decode(Bool.self, forKey: .totalExamplesIsEstimate)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        trainingSeconds = try c.decode(Double.self, forKey: .trainingSeconds)
        elapsedSeconds = try c.decode(Double.self, forKey: .elapsedSeconds)
        examplesPerSecond = try c.decode(Double.self, forKey: .examplesPerSecond)
        loading = try c.decodeIfPresent(LoadingProgress.self, forKey: .loading)
        trainLoss = try c.decode([LossPoint].self, forKey: .trainLoss)
        validation = try c.decode([ValidationPoint].self, forKey: .validation)
        wide = try c.decodeIfPresent(WideStatistics.self, forKey: .wide)
        embeddings = try c.decode([EmbeddingFieldStatistics].self, forKey: .embeddings)
        dense = try c.decode([DenseLayerStatistics].self, forKey: .dense)
        statisticsStep = try c.decode(Int.self, forKey: .statisticsStep)
        hyperparameters = try c.decode([HyperparameterValue].self, forKey: .hyperparameters)
        markers = try c.decode([RunMarker].self, forKey: .markers)
        events = try c.decode([RunEvent].self, forKey: .events)
        skippedRows = try c.decode(Int.self, forKey: .skippedRows)
        skippedRowsReasons = try c.decodeIfPresent([String].self, forKey: .skippedRowsReasons) ?? []
        checkpointsSaved = try c.decode(Int.self, forKey: .checkpointsSaved)
        hasUnsavedProgress = try c.decode(Bool.self, forKey: .hasUnsavedProgress)
        checkpointDirectory = try c.decodeIfPresent(String.self, forKey: .checkpointDirectory)
        best = try c.decodeIfPresent(ValidationPoint.self, forKey: .best)
        bestMetric = try c.decode(ValidationMetric.self, forKey: .bestMetric)
        bestCheckpoint = try c.decodeIfPresent(String.self, forKey: .bestCheckpoint)
        bestCheckpointStep = try c.decodeIfPresent(Int.self, forKey: .bestCheckpointStep)
        restoredBest = try c.decode(Bool.self, forKey: .restoredBest)
        canRollBack = try c.decode(Bool.self, forKey: .canRollBack)
        lastChanged = try c.decodeIfPresent(Hyperparameter.self, forKey: .lastChanged)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: WireKey.self)
        try c.encode(runName, forKey: .runName)
        try c.encode(dataDescription, forKey: .dataDescription)
        try c.encode(mode, forKey: .mode)
        try c.encode(state, forKey: .state)
        try c.encodeIfPresent(stateDetail, forKey: .stateDetail)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(totalEpochs, forKey: .totalEpochs)
        try c.encode(step, forKey: .step)
        try c.encode(examplesSeen, forKey: .examplesSeen)
        try c.encode(examplesAtStart, forKey: .examplesAtStart)
        try c.encode(totalExamples, forKey: .totalExamples)
        try c.encode(totalExamplesIsEstimate, forKey: .totalExamplesIsEstimate)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(trainingSeconds, forKey: .trainingSeconds)
        try c.encode(elapsedSeconds, forKey: .elapsedSeconds)
        try c.encode(examplesPerSecond, forKey: .examplesPerSecond)
        try c.encodeIfPresent(loading, forKey: .loading)
        try c.encode(trainLoss, forKey: .trainLoss)
        try c.encode(validation, forKey: .validation)
        try c.encodeIfPresent(wide, forKey: .wide)
        try c.encode(embeddings, forKey: .embeddings)
        try c.encode(dense, forKey: .dense)
        try c.encode(statisticsStep, forKey: .statisticsStep)
        try c.encode(hyperparameters, forKey: .hyperparameters)
        try c.encode(markers, forKey: .markers)
        try c.encode(events, forKey: .events)
        try c.encode(skippedRows, forKey: .skippedRows)
        try c.encode(skippedRowsReasons, forKey: .skippedRowsReasons)
        try c.encode(checkpointsSaved, forKey: .checkpointsSaved)
        try c.encode(hasUnsavedProgress, forKey: .hasUnsavedProgress)
        try c.encodeIfPresent(checkpointDirectory, forKey: .checkpointDirectory)
        try c.encodeIfPresent(best, forKey: .best)
        try c.encode(bestMetric, forKey: .bestMetric)
        try c.encodeIfPresent(bestCheckpoint, forKey: .bestCheckpoint)
        try c.encodeIfPresent(bestCheckpointStep, forKey: .bestCheckpointStep)
        try c.encode(restoredBest, forKey: .restoredBest)
        try c.encode(canRollBack, forKey: .canRollBack)
        try c.encodeIfPresent(lastChanged, forKey: .lastChanged)
    }
}
