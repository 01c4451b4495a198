import Foundation

/// Save/load throughput of this module on this machine, for `wdl bench`. Meaningful only in a
/// release build.
public enum SafeTensorsBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        /// File size in bytes.
        public let bytes: Int
        /// Median over the runs, MB = 10^6 bytes. Save includes checksums, fsync of the file and
        /// the folder, and the rename; load includes validation and checksum verification, from
        /// the page cache (the file was just written).
        public let saveMBps: Double
        public let loadMBps: Double
        /// CRC32C alone, on the same data.
        public let crc32cMBps: Double
        public let saveSeconds: Double
        public let loadSeconds: Double

        public var description: String {
            let mb = Double(bytes) / 1e6
            return String(format: "safetensors %.0f MB: save %.0f MB/s (%.3f s), load %.0f MB/s (%.3f s), CRC32C %.0f MB/s",
                          mb, saveMBps, saveSeconds, loadMBps, loadSeconds, crc32cMBps)
        }
    }

    /// Writes and reads back a file of about `bytes` bytes (a few F32 tensors of pseudo-random
    /// values plus small ones, like a model) `runs` times in `directory` (default: the system
    /// temporary folder), verifies the round trip, removes the file, and reports medians.
    public static func measure(bytes: Int = 100_000_000, runs: Int = 5, directory: URL? = nil) throws -> Result {
        let file = makeFile(bytes: max(bytes, 1024))
        let folder = directory ?? FileManager.default.temporaryDirectory
        let url = folder.appendingPathComponent("safetensors-bench-\(getpid()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }

        let clock = ContinuousClock()
        var saves: [Double] = []
        var loads: [Double] = []
        var crcs: [Double] = []
        for _ in 0..<max(1, runs) {
            var failure: (any Error)?
            saves.append(seconds(clock.measure {
                do { try file.write(to: url) } catch { failure = error }
            }))
            if let failure { throw failure }
            var loaded: SafeTensorsFile?
            loads.append(seconds(clock.measure {
                do { loaded = try SafeTensorsFile(contentsOf: url) } catch { failure = error }
            }))
            if let failure { throw failure }
            guard loaded == file else {
                throw SafeTensorsError.io(path: url.path, operation: "benchmark round trip", message: "data differs")
            }
            var sink: UInt32 = 0
            crcs.append(seconds(clock.measure {
                for tensor in file.tensors.values { sink ^= CRC32C.checksum(tensor.bytes) }
            }))
            if sink == 0x1234_5678 { print("") }  // keeps the checksum loop from being optimized away
        }
        let size = Double((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? bytes)
        let save = median(saves), load = median(loads), crc = median(crcs)
        return Result(bytes: Int(size), saveMBps: size / save / 1e6, loadMBps: size / load / 1e6,
                      crc32cMBps: size / crc / 1e6, saveSeconds: save, loadSeconds: load)
    }

    static func makeFile(bytes: Int) -> SafeTensorsFile {
        var file = SafeTensorsFile(metadata: ["format": "benchmark", "note": String(repeating: "x", count: 1000)])
        let parts = 4
        let floatsPerPart = (bytes - 4096) / 4 / parts
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for part in 0..<parts {
            let values = (0..<floatsPerPart).map { _ -> Float in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Float(Int32(truncatingIfNeeded: state >> 32)) / Float(Int32.max)
            }
            file["part\(part).weight"] = try! Tensor(values, shape: [floatsPerPart])
            file["part\(part).bias"] = try! Tensor([Double](repeating: 0.5, count: 16), shape: [16])
        }
        file["step"] = Tensor(scalar: Int64(123_456))
        return file
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) / 1e18
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
