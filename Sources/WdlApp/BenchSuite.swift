import Foundation
import WideDeep

/// `wdl bench`'s whole measurement: which figures, on which data, in which order, and the table
/// printed as they come. The measurements themselves are `Benchmark`'s and `CheckpointBenchmark`'s.
public struct BenchSuite {
    public struct Options: Sendable {
        /// Generated training and validation rows (ignored with `dataPath`).
        public var rows = 200_000
        public var validRows = 50_000
        /// A Criteo TSV file to use instead of generated data; its last 10% validates.
        public var dataPath: String?
        public var runs = 3
        public var threads = 2
        public var batchSize = 512

        public init() {}
    }

    public var options: Options

    public init(options: Options) { self.options = options }

    /// A measured figure as the table prints it: `1,234,567` from 1000 on (digits past the units
    /// of a rate that large are noise), `12.3` below.
    public static func figure(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        guard abs(value) >= 1000 else { return String(format: "%.1f", value) }
        let digits = String(Int(abs(value).rounded()))
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// Runs every figure, writing the table a line at a time to `log`, and returns the report.
    public func run(log: LineSink) throws -> BenchReport {
        let runs = options.runs, threads = options.threads, batchSize = options.batchSize
        var config = RunConfig.criteoDefault()
        config.features.crosses = [["C5", "C8"], ["C11", "C14"], ["C17", "C20"], ["C1", "C13"], ["C4", "C10"]]
        config.train.threads = threads
        config.train.batchSize = batchSize
        let cpu = SystemInfo.cpu()
        var sampler = MachineLoadSampler(threads: threads)
        if let start = MachineLoadSampler.readSnapshot() {
            log(String(format: "machine at start: load average %.2f (bench threads %d); checked again around every figure",
                       start.loadAverage1m, threads))
        }
        log("wdl bench: \(cpu.model); SIMD features: \(cpu.features.joined(separator: " ")); GEMM kernel \(Gemm.kernelName); threads \(threads), batch \(batchSize), \(runs) runs per figure")

        let trainBytes: [UInt8], validBytes: [UInt8]?
        if let data = options.dataPath {
            trainBytes = try DatasetReader.load(path: data)  // gzip and zstd are decompressed
            validBytes = nil
            log("data: \(TerminalSafe.escape(data)) (\(trainBytes.count / 1_000_000) MB)")
        } else {
            trainBytes = SyntheticCTR(seed: 1).generate(rows: options.rows, threads: threads).bytes
            validBytes = SyntheticCTR(seed: 2).generate(rows: options.validRows, threads: threads).bytes
            log("data: wdl gen model, \(options.rows) training rows (\(trainBytes.count / 1_000_000) MB) + \(options.validRows) validation rows, in memory")
        }
        var figures: [Benchmark.Figure] = []
        func record(_ figure: Benchmark.Figure, note: String = "") {
            figures.append(figure)
            let name = figure.name.padding(toLength: 40, withPad: " ", startingAt: 0)
            let unit = figure.unit.padding(toLength: 11, withPad: " ", startingAt: 0)
            let spread = figure.runs > 1
                ? " (min \(BenchSuite.figure(figure.min)), max \(BenchSuite.figure(figure.max)))" : ""
            let noisy = figure.noisy ? String(format: "  NOISY: spread %.0f%%", 100 * (figure.spread ?? 0)) : ""
            log(name + " " + BenchSuite.figure(figure.median).leftPadded(to: 12) + " " + unit + spread + noisy + note)
        }
        record(try sampler.measure { try Benchmark.parse(bytes: trainBytes, threads: 1, runs: runs) })
        if threads > 1 { record(try sampler.measure { try Benchmark.parse(bytes: trainBytes, threads: threads, runs: runs) }) }
        // The same rows read from a plain, a gzip and a zstd file (temporary, deleted after).
        let compressed = try sampler.measure { try CompressedReadBenchmark.measure(bytes: trainBytes, threads: threads, runs: runs) }
        for figure in compressed.figures {
            let kind = Compression.allCases.first { figure.name.contains(" \($0.rawValue) ") } ?? .plain
            let note = kind == .plain ? "  file read and parsed" : String(format: "  file %.0f%% of the plain size", 100 * (compressed.ratios[kind] ?? .nan))
            record(figure, note: note)
        }

        let reader = DatasetReader(schema: .criteo(), strict: false, threads: threads)
        var trainRaw = try reader.parse(bytes: trainBytes, file: options.dataPath ?? "generated")
        let validRaw: RawDataset
        if let validBytes {
            validRaw = try reader.parse(bytes: validBytes, file: "generated-valid")
        } else {
            let keep = trainRaw.count - trainRaw.count / 10
            (trainRaw, validRaw) = trainRaw.split(at: keep)
        }
        let runData = try RunData.make(config: config, train: trainRaw, valid: validRaw)
        let width = runData.layout.deepInputWidth
        log("model: \(runData.layout.hashBuckets) wide coordinates, \(runData.layout.schema.allCategorical.count) fields × \(config.model.embeddingDim)-dim embeddings, dense \(width) → \(config.model.hidden.map(String.init).joined(separator: " → ")) → 1")

        // The layer-1 products as training runs them: forward x·W, weight gradient xᵀ·dA (x read
        // in place, transposed), input gradient dA·Wᵀ (W read in place); and layer 2's forward.
        for (m, k, n, transposedA, transposedB) in [(batchSize, width, 256, false, false), (batchSize, 256, 128, false, false),
                                                    (width, batchSize, 256, true, false), (batchSize, 256, width, false, true)] {
            record(sampler.measure {
                Benchmark.gemm(m: m, k: k, n: n, transposedA: transposedA, transposedB: transposedB, threads: threads, runs: runs)
            })
        }
        var stepProfile: StepProfile?
        for mode in [ModelMode.wide, .deep, .wideDeep] {
            var modeConfig = config
            modeConfig.model.mode = mode
            let result = try sampler.measure { try Benchmark.train(config: modeConfig, data: runData, runs: runs) }
            record(result.train, note: String(format: "  valid AUC %.4f after 1 epoch", result.auc))
            record(result.validate)
            if mode == .wideDeep { stepProfile = result.profile }
        }
        if let stepProfile {
            // Where one wide & deep step's time goes, from the clock around each phase.
            log("wide & deep step, by phase (last run, \(stepProfile.steps) steps):")
            for phase in StepProfile.Phase.allCases {
                let seconds = stepProfile.seconds[phase.rawValue]
                let label = phase.label.padding(toLength: 44, withPad: " ", startingAt: 0)
                log(label + String(format: "%7.0f µs/step  %5.1f%%", seconds / Double(max(1, stepProfile.steps)) * 1e6,
                                   100 * seconds / max(stepProfile.total, 1e-9)))
            }
        }
        let checkpoint = try sampler.measure { try CheckpointBenchmark.measure(runs: runs) }
        let megabytes = Double(checkpoint.bytes) / 1e6
        record(Benchmark.Figure(name: String(format: "checkpoint save (%.0f MB)", megabytes), unit: "MB/s", samples: [checkpoint.saveMBps]),
               note: "  median of \(runs); 2^22 wide, 26×2^16×16 embeddings")
        record(Benchmark.Figure(name: String(format: "checkpoint load (%.0f MB)", megabytes), unit: "MB/s", samples: [checkpoint.loadMBps]),
               note: "  median of \(runs), validated")
        let peak = SystemInfo.peakResidentBytes().map { Double($0) / 1e6 }
        log(peak.map { String(format: "peak resident memory %.0f MB", $0) } ?? "peak resident memory unknown")
        let machine = sampler.summary
        log(machine?.line ?? "machine: load not sampled (/proc unreadable); the figures may be noisy")
        let phases = stepProfile.map { profile in
            Dictionary(uniqueKeysWithValues: StepProfile.Phase.allCases.map {
                (BenchReport.snakeCased("\($0)"), profile.seconds[$0.rawValue] / Double(max(1, profile.steps)) * 1e6)
            })
        }
        return BenchReport(cpu: cpu.model, features: cpu.features, threads: threads, batchSize: batchSize,
                           trainRows: trainRaw.count, validRows: validRaw.count, figures: figures,
                           stepMicrosecondsByPhase: phases, peakResidentMB: peak, machine: machine)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
