import ArgumentParser
import Dashboard
import DashboardCurses
import Foundation
import WdlApp
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
            FileHandle.standardError.write(Data("Error (rank \(communicator.rank) of \(communicator.size)): \(error)\n".utf8))
            communicator.abort(code: 1)
        }
    }

    /// Trains alone, or as one rank of `communicator`'s job (headless; rank 0 prints).
    private func train(communicator: Communicator?) throws {
        let config = try resume.map { try runConfig.resolve(resuming: $0) } ?? runConfig.resolve()
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
            StandardOutput.errorLine("wdl: TERM=\(term.isEmpty ? "(unset)" : term) cannot show the dashboard; training headless (as --headless)")
            interactive = false
        }
        if !interactive { options.stopOnDivergence = true }
        for warning in RunWarnings.unusedColumns(config) { StandardOutput.errorLine(warning) }
        let session = TrainingSession(config: config, options: options)
        // In a job, rank 0 writes the TensorBoard log, as it writes the metrics log.
        let boardDirectory = (communicator?.rank ?? 0) == 0 ? tensorboard ?? config.train.tensorboard : nil
        let board = try boardDirectory.map { try TensorBoardLog(directory: $0, onError: StandardOutput.errorLine) }
        if let board {
            session.onRecord = { [weak session] record in
                if case .evaluation(let evaluation) = record { board.add(evaluation, statistics: session?.snapshot) }
            }
        }
        defer { board?.flush() }
        // In a job, rank 0 serves: its commands are the ones the job applies.
        let server = try (communicator?.rank ?? 0) == 0 ? control.map {
            try ControlServer.start(at: ControlFlag.path($0), runName: options.runName, control: session)
        } : nil
        defer { server?.stop(reason: "run ended") }
        if let server { StandardOutput.line("control: \(server.path)") }
        guard interactive else {
            let silent: LineSink = { _ in }
            let speaks = (communicator?.rank ?? 0) == 0
            // Every rank stops on its signal; in a job the stop that counts is rank 0's, broadcast.
            let signals = SignalStop(stop: { [session] in session.send(.stop) },
                                     say: { [speaks] line in if speaks { StandardOutput.errorLine(line) } })
            defer { signals.cancel() }
            let outcome = HeadlessRunner(session: session, output: speaks ? StandardOutput.line : silent).run()
            if case .failed(let message) = outcome { throw RunFailure(message: message) }
            return
        }
        var dashboard = DashboardOptions(themeName: theme, themesDirectory: BundledData.locate("themes"))
        dashboard.logFile = checkpointDir.map { "\($0)/dashboard.log" }
        session.start()
        let outcome = try runDashboard(control: session, options: dashboard)
        if outcome.reason == .terminated {
            // SIGTERM: the terminal is restored; save nothing and leave at once (exit skips the
            // defers: the socket is removed here).
            server?.stop(reason: "run terminated")
            Foundation.exit(143)
        }
        // The dashboard sent .stop (or the run had finished): let the session end its run
        // (final evaluation, final checkpoint) before summarizing on the normal screen.
        session.send(.stop)
        session.waitUntilFinished()
        let s = session.snapshot
        if s.state == .failed { throw RunFailure(message: s.stateDetail ?? "training failed") }
        if s.state == .diverged { throw RunFailure(message: "training diverged: \(s.stateDetail ?? "non-finite values"); nothing non-finite was saved") }
        for line in RunSummary.lines(of: s) { print(line) }
    }
}

/// An error already described to the user; exits non-zero with its message.
struct RunFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
