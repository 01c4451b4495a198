import Foundation

/// The measurements behind `wdl bench`: each figure is the median of several runs, with the
/// minimum and maximum, so the machine's run-to-run noise is visible.
public enum Benchmark {
    public struct Figure: Sendable, Codable {
        public var name: String
        public var unit: String
        public var median: Double
        public var min: Double
        public var max: Double
        public var runs: Int
        /// (max − min) / median over the runs; nil with fewer than two runs (nothing to compare).
        public var spread: Double?
        /// A spread above `noisySpread`: the runs disagree too much for the median to be quoted.
        public var noisy: Bool

        public init(name: String, unit: String, samples: [Double]) {
            self.name = name
            self.unit = unit
            self.runs = samples.count
            median = Benchmark.median(samples)
            min = samples.min() ?? .nan
            max = samples.max() ?? .nan
            spread = Benchmark.spread(samples)
            noisy = (spread ?? 0) > Benchmark.noisySpread
        }

        // Written by hand so a missing spread is an explicit null, not a missing key.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(unit, forKey: .unit)
            try container.encode(median, forKey: .median)
            try container.encode(min, forKey: .min)
            try container.encode(max, forKey: .max)
            try container.encode(runs, forKey: .runs)
            try container.encode(spread, forKey: .spread)
            try container.encode(noisy, forKey: .noisy)
        }
    }

    /// The min–max spread relative to the median above which a figure is marked noisy.
    public static let noisySpread = 0.20

    /// (max − min) / median; nil for fewer than two samples or a median of zero.
    public static func spread(_ samples: [Double]) -> Double? {
        guard samples.count >= 2, let low = samples.min(), let high = samples.max() else { return nil }
        let middle = median(samples)
        guard middle != 0, middle.isFinite else { return nil }
        return (high - low) / abs(middle)
    }

    /// The middle value (the mean of the two middle ones for an even count); NaN when empty.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// GFLOP/s of `C[m×n] = A[m×k]·B[k×n]` (2·m·k·n flops), best of a few repetitions per run;
    /// with `transposedA` (`transposedB`), A (B) is read from its row-major transpose. One packing
    /// scratch serves every repetition, as a dense layer's does in training.
    public static func gemm(m: Int, k: Int, n: Int, transposedA: Bool = false, transposedB: Bool = false, threads: Int,
                            runs: Int) -> Figure {
        var generator = SeededGenerator(seed: 1)
        let a = (0..<(m * k)).map { _ in Float(generator.nextUnit() - 0.5) }
        let b = (0..<(k * n)).map { _ in Float(generator.nextUnit() - 0.5) }
        var c = [Float](repeating: 0, count: m * n)
        let flops = 2.0 * Double(m * k * n)
        let repetitions = max(1, Int(2e8 / flops))
        var samples: [Double] = []
        let scratch = GemmScratch()
        for _ in 0..<runs {
            let seconds = a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        time {
                            for _ in 0..<repetitions {
                                Gemm.multiply(ap.baseAddress!, bp.baseAddress!, cp.baseAddress!, m: m, k: k, n: n,
                                              transposedA: transposedA, transposedB: transposedB, threads: threads,
                                              scratch: scratch)
                            }
                        }
                    }
                }
            }
            samples.append(flops * Double(repetitions) / seconds / 1e9)
        }
        let left = transposedA ? "(\(k)×\(m))ᵀ" : "\(m)×\(k)"
        let right = transposedB ? "(\(n)×\(k))ᵀ" : "\(k)×\(n)"
        return Figure(name: "GEMM \(left)·\(right)", unit: "GFLOP/s", samples: samples)
    }

    /// Criteo TSV parsing speed in MB/s of `bytes`.
    public static func parse(bytes: [UInt8], threads: Int, runs: Int) throws -> Figure {
        let reader = DatasetReader(schema: .criteo(), strict: false, threads: threads)
        var samples: [Double] = []
        for _ in 0..<runs {
            var failure: Error?
            let seconds = time {
                do { _ = try reader.parse(bytes: bytes, file: "bench") } catch { failure = error }
            }
            if let failure { throw failure }
            samples.append(Double(bytes.count) / 1e6 / seconds)
        }
        return Figure(name: "parse Criteo TSV, \(threads) thread\(threads == 1 ? "" : "s")", unit: "MB/s", samples: samples)
    }

    /// Training examples per second over one epoch of `data` (fresh model per run), and the
    /// validation AUC and step profile of the last run; forward-only examples per second on the
    /// validation set.
    public static func train(config: RunConfig, data: RunData, runs: Int) throws
        -> (train: Figure, validate: Figure, auc: Double, profile: StepProfile) {
        var trainSamples: [Double] = [], validSamples: [Double] = []
        var auc = Double.nan
        var profile = StepProfile()
        let threads = config.train.threads
        for _ in 0..<runs {
            let model = WideDeepModel(layout: data.layout, config: config)
            profile = StepProfile()
            model.profile = profile
            var generator = SeededGenerator(seed: config.train.seed)
            var epoch = InMemoryEpoch(data: data.train, order: generator.permutation(data.train.count),
                                      batchSize: config.train.batchSize)
            let loop = TrainingLoop(model: model, threads: threads)
            var failure: Error?
            let seconds = time {
                do { _ = try loop.run(&epoch) } catch { failure = error }
            }
            if let failure { throw failure }
            trainSamples.append(Double(data.train.count) / seconds)
            var logits: [Float] = []
            let validSeconds = time { logits = model.predictAll(data.valid, batchSize: 2048, threads: threads) }
            validSamples.append(Double(data.valid.count) / validSeconds)
            auc = BinaryMetrics.auc(scores: logits, labels: data.valid.labels)
        }
        let name = config.model.mode.rawValue
        return (Figure(name: "train \(name)", unit: "examples/s", samples: trainSamples),
                Figure(name: "validate \(name)", unit: "examples/s", samples: validSamples), auc, profile)
    }
}
