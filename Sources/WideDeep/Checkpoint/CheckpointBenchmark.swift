import Foundation

/// Checkpoint save and load throughput for `wdl bench`, on the reference size: a wide &
/// deep model with 2^22 wide coordinates (FTRL z and n) and 26 fields × 2^16 rows × 16-dim
/// embeddings (with AdaGrad accumulators) feeding 256 → 128 → 1, about 260 MB on disk.
/// Meaningful only in a release build.
public enum CheckpointBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        /// File size in bytes.
        public let bytes: Int
        /// Medians over the runs, MB = 10^6 bytes. Save: `Checkpoint.save` from a captured state
        /// (NaN check, checksums, write, fsync, rename). Load: `LoadedCheckpoint.load` (reading,
        /// checksums, every validation, building the model), from the page cache.
        public let saveMBps: Double
        public let loadMBps: Double
        public let saveSeconds: Double
        public let loadSeconds: Double

        public var description: String {
            String(format: "checkpoint %.0f MB: save %.0f MB/s (%.3f s), load %.0f MB/s (%.3f s)",
                   Double(bytes) / 1e6, saveMBps, saveSeconds, loadMBps, loadSeconds)
        }
    }

    /// Saves and loads the reference model `runs` times in `directory` (default: the system
    /// temporary folder), checks the round trip, removes the file and reports medians.
    public static func measure(runs: Int = 3, directory: URL? = nil) throws -> Result {
        try measure(runs: runs, directory: directory, hashBuckets: 1 << 22, fields: 26, rows: 1 << 16, dim: 16)
    }

    static func measure(runs: Int, directory: URL?, hashBuckets: Int, fields: Int, rows: Int, dim: Int) throws -> Result {
        let folder = directory ?? FileManager.default.temporaryDirectory
        let request = makeRequest(directory: folder.path, name: "wdl-checkpoint-bench-\(getpid())",
                                  hashBuckets: hashBuckets, fields: fields, rows: rows, dim: dim)
        let path = folder.appendingPathComponent("\(request.name).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = ContinuousClock()
        var saves: [Double] = [], loads: [Double] = []
        for _ in 0..<max(1, runs) {
            var failure: (any Error)?
            saves.append(seconds(clock.measure {
                do { _ = try Checkpoint.save(request) } catch { failure = error }
            }))
            if let failure { throw failure }
            var loaded: LoadedCheckpoint?
            loads.append(seconds(clock.measure {
                do { loaded = try LoadedCheckpoint.load(path: path) } catch { failure = error }
            }))
            if let failure { throw failure }
            guard let z = loaded?.model.parameters.wideValues?.name, loaded?.model.wide?.z == request.state.floats[z] else {
                throw CheckpointError(path: path, "benchmark round trip: the loaded wide part differs")
            }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let save = Benchmark.median(saves), load = Benchmark.median(loads)
        return Result(bytes: size, saveMBps: Double(size) / save / 1e6, loadMBps: Double(size) / load / 1e6,
                      saveSeconds: save, loadSeconds: load)
    }

    /// A Criteo-layout wide & deep state of the given size with non-trivial values everywhere.
    static func makeRequest(directory: String, name: String, hashBuckets: Int, fields: Int, rows: Int, dim: Int) -> CheckpointRequest {
        var config = RunConfig.criteoDefault()
        config.features.categorical = Array(DataSchema.criteoCategorical.prefix(fields))
        config.features.buckets = [:]
        config.features.hashBuckets = hashBuckets
        config.model.embeddingDim = dim
        var schema = DataSchema.criteo()
        schema.categorical = config.features.categorical
        // As training's schema of this config has them (`DataSchema(config:)`).
        schema.missing = DataSchema.missingTokens(config.data.missing)
        let layout = FeatureLayout(
            schema: schema,
            numeric: schema.numeric.map { NumericTransform(name: $0, logarithm: true, mean: 1, deviation: 2) },
            bucketizers: [], bucketColumns: [], crosses: [], hashBuckets: hashBuckets,
            embeddingRows: [Int](repeating: rows, count: fields), embeddingDim: dim)
        let model = WideDeepModel(layout: layout, config: config)
        var generator = SeededGenerator(seed: 7)
        if let wide = model.wide {
            // Whole arrays: the wide part's z, n and groupOf are copies of its interleaved storage.
            var z = wide.z, n = wide.n, groupOf = wide.groupOf
            for i in stride(from: 0, to: z.count, by: 3) {
                z[i] = Float(generator.nextGaussian())
                n[i] = Float(generator.nextUnit() * 10)
                if i < groupOf.count { groupOf[i] = UInt16(i % fields) }
            }
            wide.restore(z: z, n: n)
            wide.groupOf = groupOf
        }
        for table in model.tables { for r in stride(from: 0, to: table.rows, by: 2) { table.touched[r] = 1 } }
        return CheckpointRequest(directory: directory, name: name, state: model.captureState(), layout: layout, config: config,
                                 step: 1000, epoch: 0, examples: 512_000, generator: generator,
                                 position: DataPosition(epochOffset: 512_000, epochStartGenerator: SeededGenerator(seed: 1)),
                                 hyperparameters: [], events: [], wideNames: [:])
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
