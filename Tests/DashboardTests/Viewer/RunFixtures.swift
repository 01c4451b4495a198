import WideDeep
@testable import Dashboard
import WdlRuns

/// Two runs with hand-chosen figures for the viewer's frame and key tests: "lr-0.02" finished
/// after 12 evaluations (240k examples, a hyperparameter change at 100k), "lr-0.05" still being
/// written after 8 (160k, a checkpoint at 80k, one AUC and its last accuracy null).
enum RunFixtures {
    static func finished() -> ViewedRun {
        let train = [0.52, 0.47, 0.44, 0.42, 0.405, 0.395, 0.388, 0.382, 0.378, 0.375, 0.373, 0.371]
        let logloss = [0.46, 0.43, 0.41, 0.40, 0.392, 0.387, 0.384, 0.382, 0.381, 0.381, 0.382, 0.383]
        let auc = [0.85, 0.87, 0.88, 0.886, 0.89, 0.893, 0.895, 0.896, 0.897, 0.8975, 0.8977, 0.8976]
        var log = RunLog(path: "/runs/lr02.jsonl")
        log.runName = "lr-0.02"
        log.evaluations = (0..<12).map { i in
            // Best by logloss: 0.381 first reached at the 9th evaluation (step 702).
            let bestIndex = i < 8 ? i : 8
            return RunLog.Evaluation(step: (i + 1) * 78, epoch: i / 4, examples: (i + 1) * 20_000,
                                     seconds: Double(i + 1) * 2, trainLogloss: train[i], validLogloss: logloss[i],
                                     validAUC: auc[i], validAccuracy: 0.83 + Double(i) * 0.002,
                                     best: RunLog.Best(metric: "logloss", auc: auc[bestIndex], logloss: logloss[bestIndex],
                                                       step: (bestIndex + 1) * 78),
                                     final: i == 11, ranks: 1, batch: 256)
        }
        log.markers = [RunLog.Marker(kind: .hyperparameter, step: 390, examples: 100_000, message: "deep lr 0.02 → 0.01")]
        return ViewedRun(log: log, name: "lr-0.02", status: .finished, configDifference: "deep.lr 0.02 · train.seed 1")
    }

    static func growing() -> ViewedRun {
        let train = [0.50, 0.44, 0.41, 0.40, 0.43, 0.39, 0.38, 0.375]
        let logloss = [0.44, 0.41, 0.395, 0.39, 0.42, 0.385, 0.379, 0.376]
        let auc: [Double?] = [0.86, 0.88, 0.889, 0.892, nil, 0.895, 0.898, 0.90]
        var log = RunLog(path: "/runs/lr05.jsonl")
        log.runName = "lr-0.05"
        log.evaluations = (0..<8).map { i in
            RunLog.Evaluation(step: (i + 1) * 78, epoch: i / 4, examples: (i + 1) * 20_000, seconds: Double(i + 1) * 2,
                              trainLogloss: train[i], validLogloss: logloss[i], validAUC: auc[i],
                              validAccuracy: i == 7 ? nil : 0.84,
                              best: RunLog.Best(metric: "auc", auc: 0.90, logloss: 0.376, step: 624),
                              ranks: 1, batch: 256)
        }
        log.markers = [RunLog.Marker(kind: .checkpoint, step: 312, examples: 80_000, message: "saved step-312")]
        return ViewedRun(log: log, name: "lr-0.05", status: .growing, configDifference: "deep.lr 0.05 · train.seed 2")
    }

    static func empty() -> ViewedRun {
        var log = RunLog(path: "/runs/new.jsonl")
        log.runName = "new"
        return ViewedRun(log: log, name: "new", status: .growing)
    }

    static func frame(_ runs: [ViewedRun], _ state: ViewerState = ViewerState(), columns: Int = 80, rows: Int = 24) -> [String] {
        var buffer = CellBuffer(width: columns, height: rows)
        ViewerScreen.render(runs: runs, state: state, into: &buffer)
        return buffer.lines
    }
}
