import ArgumentParser
import Dashboard
import DashboardCurses
import Foundation
import WdlApp
import WdlControl
import WdlExport
import WdlMPI
import WideDeep

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a Wide & Deep model: the live dashboard in a terminal, else (or with --headless) a line per evaluation and a final summary.")

    @OptionGroup var runConfig: RunConfigOptions

    @Flag(name: .long, help: "Plain-text output instead of the dashboard (also when stdout is not a terminal).")
    var headless = false

    @Option(name: .long, help: "Dashboard theme: a name from themes/ (light, high-contrast, monochrome, nord, or the default one).")
    var theme = "default"

    @Option(name: .long, help: "Write one JSON object per evaluation and per event to this file (JSON Lines).")
    var metricsOut: String?

    @Option(name: .long, help: "Write TensorBoard scalars (an events.out.tfevents.* file) into this folder as the run goes (config: train.tensorboard).")
    var tensorboard: String?

    @Option(name: .long, help: "Folder for checkpoints (the dashboard's s key, --checkpoint-every, final.safetensors).")
    var checkpointDir: String?

    @Option(name: .long, parsing: .unconditional, help: "Save DIR/step-<step>.safetensors every N training examples (needs --checkpoint-dir).")
    var checkpointEvery: Int?

    @Option(name: .long, parsing: .unconditional, help: "Keep only the newest K step checkpoints.")
    var keep: Int?

    @Option(name: .long, help: "Continue the run saved in this checkpoint, with its config; --epochs stays the run's total.")
    var resume: String?

    @Option(name: .long, help: "Initialize the wide part from this checkpoint (same hash buckets, feature groups, buckets and wide optimizer).")
    var warmStartWide: String?

    @Option(name: .long, help: "Initialize the deep part from this checkpoint (same fields, embedding rows and dimension, numeric inputs, hidden sizes).")
    var warmStartDeep: String?

    @Flag(name: .long, help: "With --warm-start-wide/--warm-start-deep: copy the optimizer state too, not only the weights.")
    var warmStartOptimizer = false

    @Flag(name: .long, help: "Stream the training file from disk, one pass per epoch, in bounded memory (needs a validation file, kept in memory; resuming restarts the saved epoch).")
    var stream = false

    @Option(name: .long, parsing: .unconditional, help: "With --stream: shuffle through a seeded buffer of N rows (default 0: file order).")
    var shuffleBuffer: Int?

    @Option(name: .long, parsing: .unconditional, help: "With --stream: fit numeric statistics, quantile buckets and embedding table sizes on the first N training rows (default 1000000).")
    var fitRows: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Serve a control socket for `wdl attach` at PATH; --control alone: $XDG_RUNTIME_DIR/wdl/<run>-<pid>.sock (else /tmp/wdl-<uid>/).",
        valueName: "PATH"))
    var control: String?

    @Option(name: .long, help: "Under mpirun: each rank trains alone for K steps, then the replicas are averaged (default 1: every step's gradients are exchanged, exact).")
    var syncEvery = 1

    func validate() throws {
        if syncEvery < 1 { throw ValidationError("--sync-every must be a positive integer, got \(syncEvery)") }
        if let checkpointEvery, checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be a positive integer, got \(checkpointEvery)") }
        if let keep, keep < 1 { throw ValidationError("--keep must be a positive integer, got \(keep)") }
        if (checkpointEvery != nil || keep != nil) && checkpointDir == nil {
            throw ValidationError("--checkpoint-every and --keep need --checkpoint-dir DIR")
        }
        let warmStarting = warmStartWide != nil || warmStartDeep != nil
        if warmStartOptimizer && !warmStarting {
            throw ValidationError("--warm-start-optimizer needs --warm-start-wide FILE or --warm-start-deep FILE")
        }
        if warmStarting && resume != nil {
            throw ValidationError("--warm-start-wide/--warm-start-deep start a new run; they cannot be combined with --resume")
        }
        if (shuffleBuffer != nil || fitRows != nil) && !stream {
            throw ValidationError("--shuffle-buffer and --fit-rows need --stream")
        }
        if let shuffleBuffer, shuffleBuffer < 0 || shuffleBuffer > StreamOptions.maxShuffleBuffer {
            throw ValidationError("--shuffle-buffer must be 0…\(StreamOptions.maxShuffleBuffer) rows, got \(shuffleBuffer)")
        }
        if let fitRows, !(1...StreamOptions.maxFitRows).contains(fitRows) {
            throw ValidationError("--fit-rows must be 1…\(StreamOptions.maxFitRows), got \(fitRows)")
        }
    }

    func run() throws {
        let communicator = try MPIJob.join()
        guard let communicator else { return try train(communicator: nil) }
        do {
            try train(communicator: communicator)
            MPIJob.leave(communicator)
        } catch {
            // Any rank's failure ends the job with its message (the others would wait forever).
            StandardOutput.lastWords("Error (rank \(communicator.rank) of \(communicator.size)): \(error)")
            communicator.abort(code: 1)
        }
    }

    /// Trains alone, or as one rank of `communicator`'s job (headless; rank 0 prints).
    private func train(communicator: Communicator?) throws {
        let config = try resume.map { try runConfig.resolve(resuming: $0) } ?? runConfig.resolve()
        let boardDirectory = (communicator?.rank ?? 0) == 0 ? tensorboard ?? config.train.tensorboard : nil
        var options = SessionOptions()
        options.runName = config.name ?? (config.data.train == "-" ? "stdin"
            : URL(fileURLWithPath: config.data.train ?? "run").deletingPathExtension().lastPathComponent)
        options.metricsPath = metricsOut
        // The bundled demo (`wdl` alone) keeps its checkpoints, so its summary can point at the
        // best model it found before overfitting.
        let checkpointDir = self.checkpointDir ?? (CommandLine.arguments.count == 1 ? "runs/\(options.runName)" : nil)
        options.checkpointDirectory = checkpointDir
        options.checkpointEvery = checkpointEvery
        options.keep = keep
        options.resumePath = resume
        options.communicator = communicator
        options.syncEvery = syncEvery
        if stream {
            var streaming = StreamOptions()
            if let shuffleBuffer { streaming.shuffleBuffer = shuffleBuffer }
            if let fitRows { streaming.fitRows = fitRows }
            options.stream = streaming
        }
        if warmStartWide != nil || warmStartDeep != nil {
            options.warmStart = WarmStart(widePath: warmStartWide, deepPath: warmStartDeep, optimizerState: warmStartOptimizer)
        }
        try refuseOutputsThatAreInputs(config: config, checkpointDir: checkpointDir, boardDirectory: boardDirectory)
        // Before anything runs: the folder (and the dashboard's log in it) must be writable.
        if let checkpointDir { try Checkpoint.prepareFolder(checkpointDir) }
        // A rank of a multi-process job has no terminal of its own: headless, rank 0 prints.
        // Data read from standard input (`--train -`) leaves it no keys for the dashboard.
        let dataOnStandardInput = [config.data.train, config.data.valid].contains("-")
        var interactive = !headless && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1 && communicator == nil
            && !dataOnStandardInput
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        if interactive && (term.isEmpty || term == "dumb") {
            // curses cannot draw on such a terminal: a frozen first frame would hide the whole run.
            StandardOutput.errorLine("wdl: TERM=\(term.isEmpty ? "(unset)" : TerminalSafe.escape(term)) cannot show the dashboard; training headless (as --headless)")
            interactive = false
        }
        if !interactive { options.stopOnDivergence = true }
        for warning in RunWarnings.unusedColumns(config) { StandardOutput.errorLine(warning) }
        let session = TrainingSession(config: config, options: options)
        // In a job, rank 0 writes the TensorBoard log, as it writes the metrics log.
        let board = try boardDirectory.map { try TensorBoardLog(directory: $0, onError: StandardOutput.errorLine) }
        if let board {
            session.onRecord = { [weak session] record in
                if case .evaluation(let evaluation) = record { board.add(evaluation, statistics: session?.snapshot) }
                if case .test(let test) = record { board.add(test: test) }
            }
        }
        defer { board?.flush() }
        // In a job, rank 0 serves: its commands are the ones the job applies.
        let server = try (communicator?.rank ?? 0) == 0 ? control.map {
            try ControlServer.start(at: ControlFlag.path($0), runName: options.runName, control: session)
        } : nil
        defer { server?.stop(reason: "run ended") }
        if let server { StandardOutput.line("control: \(TerminalSafe.escape(server.path))") }
        guard interactive else {
            let silent: LineSink = { _ in }
            let speaks = (communicator?.rank ?? 0) == 0
            // Every rank stops on its signal; in a job the stop that counts is rank 0's, broadcast.
            let signals = SignalStop(stop: { [session] in session.send(.stop) },
                                     say: { [speaks] line in if speaks { StandardOutput.errorLine(line) } })
            defer { signals.cancel() }
            let outcome = HeadlessRunner(session: session, output: speaks ? StandardOutput.line : silent).run()
            if case .failed(let message) = outcome { throw RunFailure(message: message) }
            // The run went on without its log lines (a full disk, a closed stream): it did its
            // work, but whoever reads its output did not see it.
            if let lost = StandardOutput.lostLinesMessage() {
                let saved = checkpointDir.map { "; its checkpoints are in \($0)" } ?? ""
                throw RunFailure(message: "the run finished but its log output was lost: \(lost)\(saved)")
            }
            return
        }
        var dashboard = DashboardOptions(themeName: theme, themesDirectory: BundledData.locate("themes"))
        dashboard.logFile = checkpointDir.map { "\($0)/dashboard.log" }
        session.start()
        // Which of stdout and stderr are terminals, asked before a hang-up could make it fail.
        let terminals = [STDOUT_FILENO, STDERR_FILENO].filter { isatty($0) == 1 }
        let outcome = try runDashboard(control: session, options: dashboard)
        // SIGTERM or SIGHUP closed the screen: the run stops as a headless one does on it (final
        // evaluation and checkpoint); a second signal while it finishes quits at once.
        var signals: SignalStop?
        if outcome.reason == .terminated {
            let number = outcome.terminationSignal ?? SIGTERM
            // After a hang-up the terminal is gone: what follows goes nowhere rather than failing.
            if number == SIGHUP { SignalStop.leaveHungUpTerminal(terminals) }
            signals = SignalStop(alreadyStopping: number, stop: {}, say: StandardOutput.errorLine)
            StandardOutput.errorLine("wdl: \(SignalStop.name(of: number)): stopping after this minibatch (final evaluation and checkpoint); send it again to quit at once")
        }
        defer { signals?.cancel() }
        // The dashboard sent .stop (or the run had finished): let the session end its run
        // (final evaluation, final checkpoint) before summarizing on the normal screen.
        session.send(.stop)
        session.waitUntilFinished()
        let s = session.snapshot
        if s.state == .failed { throw RunFailure(message: s.stateDetail ?? "training failed") }
        if s.state == .diverged { throw RunFailure(message: "training diverged: \(s.stateDetail ?? "non-finite values"); nothing non-finite was saved") }
        let unsaved = [.quitWithoutSaving, .interrupted].contains(outcome.reason)
        for line in RunSummary.lines(of: s, heading: unsaved ? "stopped by user (no final checkpoint)" : "final") { StandardOutput.line(line) }
        // A second Ctrl-C is an interrupted program's ending.
        if outcome.reason == .interrupted {
            server?.stop(reason: "run interrupted")
            board?.flush()
            Foundation.exit(130)
        }
    }

    /// Before any output is opened: the metrics log, the TensorBoard folder and the checkpoint
    /// folder's files must not be any file the run reads (the metrics log is truncated when it
    /// opens; a checkpoint would be written over the data). The checkpoints read (--resume,
    /// warm starts) may be in the checkpoint folder: they are read whole before anything is
    /// saved, and a save replaces a file by rename, so continuing a run in its folder loses
    /// nothing; they may not be the metrics log or the TensorBoard folder.
    private func refuseOutputsThatAreInputs(config: RunConfig, checkpointDir: String?, boardDirectory: String?) throws {
        var data: [NamedPath] = []
        if let path = runConfig.config ?? (resume == nil && runConfig.format != .criteo ? BundledData.locate(BundledData.defaultConfig) : nil) {
            data.append(NamedPath("the config", path))
        }
        if let train = config.data.train { data.append(NamedPath("the training file", train)) }
        if let valid = config.data.valid { data.append(NamedPath("the validation file", valid)) }
        let checkpoints = [("--resume", resume), ("--warm-start-wide", warmStartWide), ("--warm-start-deep", warmStartDeep)]
            .compactMap { role, path in path.map { NamedPath("the checkpoint of \(role)", $0) } }
        // stdout too: `>> train.csv` would append the run's lines to a file a streamed run re-reads.
        var outputs = [NamedPath("standard output", "-")]
        if let metricsOut { outputs.append(NamedPath("--metrics-out", metricsOut)) }
        if let boardDirectory { outputs.append(NamedPath("the TensorBoard folder", boardDirectory)) }
        try OutputAliasing.check(outputs: outputs, inputs: data + checkpoints)
        if let checkpointDir {
            try OutputAliasing.check(outputs: OutputAliasing.checkpointFolderFiles(checkpointDir), inputs: data)
        }
    }
}

/// An error already described to the user; exits non-zero with its message.
struct RunFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
