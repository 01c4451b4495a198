import ArgumentParser
import WdlApp
import WideDeep

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure speed: GEMM, parsing, training (wide, deep, wide & deep), validation, peak memory.",
        discussion: """
        Generates Criteo-layout data in memory with wdl gen's model (or reads --data) and trains the \
        standard model: hashed wide part with crosses C5×C8, C11×C14, C17×C20, C1×C13, C4×C10, 16-dim \
        embeddings for 26 fields + 13 log-transformed numerics → ReLU 256 → 128 → 1, batch 512. Each \
        figure is the median of --runs runs (min and max shown; NOISY when they spread over 20% of it). \
        The load average, CPU steal and other processes' CPU are read around every figure and the \
        last line says whether the machine was busy (then the figures are not to be quoted). \
        Build with -c release.
        """)

    @Option(name: .long, parsing: .unconditional, help: "Generated training rows.")
    var rows = 200_000

    @Option(name: .long, parsing: .unconditional, help: "Generated validation rows.")
    var validRows = 50_000

    @Option(name: .long, help: "A Criteo TSV file to use instead of generated data (its last 10% validates).")
    var data: String?

    @Option(name: .long, parsing: .unconditional, help: "Runs per figure.")
    var runs = 3

    @Option(name: .long, parsing: .unconditional, help: "Threads.")
    var threads = 2

    @Option(name: .long, parsing: .unconditional, help: "Minibatch size.")
    var batchSize = 512

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard rows >= 1000 else { throw ValidationError("--rows must be at least 1000, got \(rows)") }
        guard validRows >= 100 else { throw ValidationError("--valid-rows must be at least 100, got \(validRows)") }
        guard runs >= 1 else { throw ValidationError("--runs must be positive, got \(runs)") }
        guard threads >= 1 else { throw ValidationError("--threads must be positive, got \(threads)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
    }

    func run() throws {
        var options = BenchSuite.Options()
        options.rows = rows
        options.validRows = validRows
        options.dataPath = data
        options.runs = runs
        options.threads = threads
        options.batchSize = batchSize
        // Progress and the table go to stdout, or to stderr when --json owns stdout.
        let report = try BenchSuite(options: options).run(log: json ? StandardOutput.errorLine : StandardOutput.line)
        if json { try StandardOutput.write(line: TerminalSafe.json(try report.json())) }
    }
}
