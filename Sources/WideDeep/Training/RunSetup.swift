import Foundation

/// Everything a session needs before its first minibatch, from the config and the session options:
/// the data read and encoded (or a streamed file's plan), the model (fresh, warm-started or
/// resumed) and where the run starts.
struct RunSetup {
    var data: RunData
    var model: WideDeepModel
    var progress: RunProgress
    var stream: StreamedTraining?
    /// The resumed checkpoint's file, for the event log.
    var resumedFrom: String?
    /// The resumed checkpoint's best evaluation and early-stopping count, and the file that still
    /// holds that best model (nil when none does).
    var best: (record: CheckpointMetadata.Best, file: String?)?
    /// E.g. "train.csv 2,000 train / 500 valid rows".
    var dataDescription: String
    var loading: LoadingProgress
    /// Malformed rows skipped while loading (the training file's, unless streamed, and the
    /// validation file's).
    var skippedRows: Int
    /// What happened while loading, in order, for the event log.
    var events: [(kind: RunEvent.Kind, message: String)] = []

    /// Reads the checkpoint to resume (if any) and the data, then builds the model. The config
    /// must have been validated (`RunConfig.validate`).
    static func load(config: RunConfig, options: SessionOptions,
                     progress report: @escaping @Sendable (LoadingProgress) -> Void) throws -> RunSetup {
        if options.resumePath != nil && options.warmStart != nil {
            throw ConfigError("a resumed run continues its own model: warm start cannot be combined with resuming")
        }
        // Name where a missing file came from: a mistyped path is then fixed in the right place.
        for (path, source) in [(config.data.train, "data.train in the config, or --train"),
                               (config.data.valid, "data.valid in the config, or --valid")] {
            // A data path may name several parts (a folder, a glob, a list) or standard input.
            if let path, path != "-" {
                let parts: [String]
                do { parts = try InputParts.expand(path) } catch var error as DataError {
                    error.message += " (set by \(source))"
                    throw error
                }
                for part in parts where !FileManager.default.fileExists(atPath: part) {
                    throw DataError(file: part, "file not found (set by \(source))")
                }
            }
        }
        let checkpoint = try options.resumePath.map { try LoadedCheckpoint.load(path: $0) }
        let loadingProgress: @Sendable (RunData.Phase, LoadingProgress) -> Void = { _, progress in report(progress) }
        var setup: RunSetup
        if let stream = options.stream {
            var (data, plan) = try RunData.loadStreaming(config: config, options: stream, threads: config.train.threads,
                                                         layout: checkpoint?.layout, progress: loadingProgress)
            if let job = options.communicator, job.size > 1 {
                plan.shard = try StreamShard.make(path: plan.path, rank: job.rank, ranks: job.size, header: plan.schema.format == .csv)
            }
            let rows = plan.rowsAreEstimate ? "~\(plan.rows)" : "\(plan.rows)"
            setup = RunSetup(data: data, model: try model(checkpoint, data: data, config: config, options: options),
                             progress: RunProgress(seed: config.train.seed), stream: StreamedTraining(plan: plan, skipLimit: config.data.maxSkipped),
                             dataDescription: "\(Self.fileName(plan.path)) \(rows) train (streamed) / \(data.valid.count) valid rows",
                             loading: LoadingProgress(file: plan.path, rowsRead: plan.fittedRows, rowsSkipped: 0, fraction: 1),
                             skippedRows: data.validSkipped)
            if data.validSkipped > 0 {
                setup.events.append((.skippedRows, "skipped \(data.validSkipped) malformed validation rows\(firstError(data))"))
            }
        } else {
            let data = try RunData.load(config: config, threads: config.train.threads, layout: checkpoint?.layout,
                                        progress: loadingProgress)
            let file = config.data.train ?? ""
            setup = RunSetup(data: data, model: try model(checkpoint, data: data, config: config, options: options),
                             progress: RunProgress(seed: config.train.seed),
                             dataDescription: "\(Self.fileName(file)) \(data.train.count) train / \(data.valid.count) valid rows",
                             loading: LoadingProgress(file: file, rowsRead: data.train.count, rowsSkipped: data.trainSkipped, fraction: 1),
                             skippedRows: data.trainSkipped + data.validSkipped)
            if setup.skippedRows > 0 {
                setup.events.append((.skippedRows, "skipped \(setup.skippedRows) malformed rows\(firstError(data))"))
            }
        }
        if setup.stream == nil {
            try requireBothClasses(setup.data.train.labels, file: config.data.train ?? "", what: "training", config: config)
        }
        try requireBothClasses(setup.data.valid.labels, file: setup.data.validDescription, what: "validation", config: config)
        if let checkpoint {
            if setup.stream == nil, checkpoint.position.epochOffset > setup.data.train.count {
                throw CheckpointError(path: checkpoint.path, "its data position (\(checkpoint.position.epochOffset) examples into epoch \(checkpoint.epoch + 1)) is past the \(setup.data.train.count) training rows; it was saved for other data")
            }
            setup.progress = RunProgress(resuming: checkpoint)
            setup.model.stepsTrained = checkpoint.step
            setup.resumedFrom = checkpoint.path
            setup.events.append((.info, "resumed from \(checkpoint.path) at step \(checkpoint.step), epoch \(setup.progress.epochNumber)"))
            setup.best = try resumedBest(checkpoint, config: config, events: &setup.events)
        } else if let warmStart = options.warmStart {
            setup.events += try warmStart.apply(to: setup.model, config: config).map { (.info, $0) }
        }
        setup.events.append((.info, setup.loadedMessage(config: config)))
        if setup.stream != nil, setup.progress.resumeOffset > 0 {
            // A position inside a streamed pass is not kept: the epoch is trained from its start.
            setup.events.append((.info, "resuming a streamed run restarts epoch \(setup.progress.epoch + 1) from the beginning "
                + "of the file: its first \(setup.progress.resumeOffset) examples are trained again"))
            setup.progress.resumeOffset = 0
        }
        return setup
    }

    /// The best evaluation the resumed checkpoint records, when this run can go on comparing with
    /// it (same metric, same validation file), and the file that still holds that model; each
    /// case said in an event.
    private static func resumedBest(_ checkpoint: LoadedCheckpoint, config: RunConfig,
                                    events: inout [(kind: RunEvent.Kind, message: String)]) throws
        -> (record: CheckpointMetadata.Best, file: String?)? {
        guard let saved = try CheckpointMetadata.best(in: checkpoint.metadata, path: checkpoint.path,
                                                      step: checkpoint.step, examples: checkpoint.examples) else {
            events.append((.info, "the checkpoint records no best evaluation (an earlier wdl saved it): the best so far is unknown, "
                + "so the first evaluation counts as the best and replaces best.safetensors"))
            return nil
        }
        guard saved.metric == config.train.earlyStopMetric else {
            events.append((.info, "the checkpoint's best is by validation \(saved.metric.rawValue), this run compares by "
                + "\(config.train.earlyStopMetric.rawValue): its best so far starts anew"))
            return nil
        }
        guard checkpoint.config.data.valid == config.data.valid else {
            events.append((.info, "the validation file is not the checkpoint's: the best so far starts anew"))
            return nil
        }
        let point = saved.point
        var file = saved.file
        if let path = file {
            let holds = (try? CheckpointMetadata.header(of: path))?.metadata["step"].flatMap { Int($0) }
            if holds != point.step {
                events.append((.info, "\(path) no longer holds the best model (step \(point.step)): \(holds.map { "it holds step \($0)" } ?? "it cannot be read"); "
                    + "the best's figures are kept, not its file"))
                file = nil
            }
        }
        events.append((.info, String(format: "best so far: step %d (epoch %d) by validation %@, AUC %.4f, logloss %.4f; %d evaluations since%@",
                                     point.step, point.epoch, saved.metric.rawValue,
                                     point.metrics.auc, point.metrics.logloss, saved.evaluationsSince,
                                     file.map { "; saved as \($0)" } ?? "")))
        return (saved, file)
    }

    /// The resumed checkpoint's model with this run's config's live hyperparameters, or a fresh one.
    private static func model(_ checkpoint: LoadedCheckpoint?, data: RunData, config: RunConfig,
                              options: SessionOptions) throws -> WideDeepModel {
        guard let checkpoint else { return WideDeepModel(layout: data.layout, config: config) }
        for parameter in Hyperparameter.allCases where parameter.applies(to: checkpoint.model) {
            parameter.set(parameter.value(in: config), in: checkpoint.model)
        }
        return checkpoint.model
    }

    private func loadedMessage(config: RunConfig) -> String {
        var extras: [String] = []
        if let test = data.test {
            let skipped = data.testSkipped > 0 ? ", \(data.testSkipped) malformed rows skipped" : ""
            extras.append("\(test.count) test rows (\(data.testDescription ?? "test file"), scored once at the end\(skipped))")
        }
        if data.negativesSampledOut > 0, let rate = config.data.sampleNegatives {
            extras.append("\(data.negativesSampledOut) training negatives sampled out (kept fraction \(rate))")
        }
        if data.zeroWeightRows > 0 { extras.append("\(data.zeroWeightRows) rows of weight 0 left out") }
        if config.negativeSamplingRate < 1 {
            extras.append("probabilities corrected for negative sampling at \(config.negativeSamplingRate) (logit + ln r)")
        }
        let tail = extras.isEmpty ? "" : "; " + extras.joined(separator: "; ")
        guard let plan = stream?.plan else {
            return "loaded \(data.train.count) training rows, \(data.valid.count) validation rows (\(data.validDescription))" + tail
        }
        return "\(plan.description); \(data.valid.count) validation rows in memory (\(data.validDescription))" + tail
    }

    /// A label list that matches one class only (say `negative` names a value the file never has:
    /// every other row is skipped) would train on one class and report AUC nan as success.
    private static func requireBothClasses(_ labels: [Float], file: String, what: String, config: RunConfig) throws {
        let positives = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        guard positives == 0 || positives == labels.count, !labels.isEmpty else { return }
        let negative = config.data.negative.map { "[\($0.joined(separator: ", "))]" } ?? "every other value"
        throw DataError(file: file, "all \(labels.count) \(what) rows read are \(positives == 0 ? "negative" : "positive"); "
            + "a run needs both classes (data.positive [\(config.data.positive.joined(separator: ", "))], data.negative \(negative))")
    }

    private static func firstError(_ data: RunData) -> String { data.errors.first.map { "; first: \($0)" } ?? "" }

    private static func fileName(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
}
