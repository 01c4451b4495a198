import Foundation
import WideDeep

/// Snapshots with known figures for frame and key tests.
enum SnapshotFixtures {
    /// A run in its third epoch with every panel's data filled in.
    static func running(groups: Int = 14, fields: Int = 9) -> TrainingSnapshot {
        var s = TrainingSnapshot()
        s.runName = "adult-demo"
        s.dataDescription = "adult (csv) 32,561 train / 16,281 valid rows"
        s.mode = .wideDeep
        s.state = .running
        s.epoch = 3
        s.totalEpochs = 10
        s.step = 12_345
        s.examplesSeen = 1_234_567
        s.totalExamples = 4_000_000
        s.batchSize = 100
        s.trainingSeconds = 61
        s.elapsedSeconds = 65
        s.examplesPerSecond = 20_250
        s.trainLoss = (0..<400).map { i in
            LossPoint(step: i * 30, examples: i * 3000,
                      loss: 0.7 * exp(-Double(i) / 120) + 0.3 + 0.02 * sin(Double(i)))
        }
        s.validation = (1...3).map { epoch in
            ValidationPoint(step: epoch * 4000, epoch: epoch, examples: epoch * 400_000,
                            metrics: EvaluationMetrics(count: 16_281, logloss: 0.40 - 0.03 * Double(epoch),
                                                       auc: 0.88 + 0.0071 * Double(epoch), accuracy: 0.8531,
                                                       meanPrediction: 0.241, positiveRate: 0.239))
        }
        s.validation[2].metrics.auc = 0.9012
        s.validation[2].metrics.logloss = 0.3120
        s.wide = WideStatistics(
            nonzero: 12_345, touched: 45_678, total: 1_048_576,
            groups: (0..<groups).map { i in
                WideGroupStatistics(name: i == 0 ? "education_x_occupation_x_native_country" : "group_\(i)",
                                    nonzero: 1000 - i * 60, touched: 2000)
            },
            sparsityHistory: (0..<40).map { 0.5 + Double($0) / 200 }, bias: -1.2)
        s.embeddings = (0..<fields).map { i in
            EmbeddingFieldStatistics(field: i == 0 ? "native_country" : "field_\(i)", rows: 5000,
                                     rowsTouched: 400 + i, meanNorm: 0.81, maxNorm: 1.9,
                                     normPercentiles: [0.2, 0.5, 0.8, 1.1, 1.6])
        }
        s.dense = [
            DenseLayerStatistics(name: "dense1", inputs: 128, outputs: 64, weightNorm: 4.21,
                                 gradientNorm: 0.013, deadFraction: 0.031),
            DenseLayerStatistics(name: "dense2", inputs: 64, outputs: 32, weightNorm: 3.5,
                                 gradientNorm: 0.02, deadFraction: 0.1),
            DenseLayerStatistics(name: "output", inputs: 32, outputs: 1, weightNorm: 1.1,
                                 gradientNorm: 0.004, deadFraction: nil),
        ]
        s.statisticsStep = 12_300
        s.hyperparameters = [
            HyperparameterValue(parameter: .deepLearningRate, value: 0.01),
            HyperparameterValue(parameter: .ftrlAlpha, value: 0.05),
            HyperparameterValue(parameter: .ftrlBeta, value: 1),
            HyperparameterValue(parameter: .ftrlL1, value: 0),
            HyperparameterValue(parameter: .ftrlL2, value: 1),
        ]
        s.markers = [RunMarker(examples: 600_000, step: 6000, kind: .hyperparameter),
                     RunMarker(examples: 900_000, step: 9000, kind: .checkpoint)]
        s.events = [
            RunEvent(step: 0, seconds: 1, kind: .info, message: "training started"),
            RunEvent(step: 6000, seconds: 30, kind: .hyperparameter, message: "deep lr 0.02 → 0.01"),
            RunEvent(step: 9000, seconds: 45, kind: .checkpoint, message: "checkpoint saved to ckpt/step-9000.safetensors"),
            RunEvent(step: 12000, seconds: 60, kind: .evaluation, message: "evaluation: AUC 0.9012"),
        ]
        s.hasUnsavedProgress = true
        s.checkpointDirectory = "ckpt"
        return s
    }

    static func loading() -> TrainingSnapshot {
        var s = TrainingSnapshot()
        s.runName = "adult-demo"
        s.state = .loading
        s.loading = LoadingProgress(file: "sample-data/adult/train.csv", rowsRead: 12_000, rowsSkipped: 3,
                                    fraction: 0.37)
        return s
    }
}
