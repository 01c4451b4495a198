import CZlib
import CZstd
import Foundation

/// What reading a compressed Criteo file costs against the plain file: the same rows written to
/// a temporary folder plain, gzip'd and zstd'd (the `gzip` and `zstd` tools' default levels), each
/// read and parsed whole by `DatasetReader` as `wdl train` reads it. Rates are of the plain
/// content (MB of TSV per second), so the three figures compare directly.
public enum CompressedReadBenchmark {
    public struct Result: Sendable {
        public var figures: [Benchmark.Figure]
        /// File size over the plain size, per compression.
        public var ratios: [Compression: Double]
    }

    public static func measure(bytes: [UInt8], threads: Int, runs: Int) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wdl-bench-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let encoded: [(Compression, [UInt8])] = [(.plain, bytes), (.gzip, try gzip(bytes, level: 6)), (.zstd, try zstd(bytes, level: 3))]
        let reader = DatasetReader(schema: .criteo(), strict: false, threads: threads)
        var figures: [Benchmark.Figure] = []
        var ratios: [Compression: Double] = [:]
        for (compression, content) in encoded {
            let path = folder.appendingPathComponent("bench.\(compression.rawValue)").path
            try Data(content).write(to: URL(fileURLWithPath: path))
            ratios[compression] = Double(content.count) / Double(max(1, bytes.count))
            var samples: [Double] = []
            for _ in 0..<runs {
                var failure: Error?
                let seconds = Benchmark.time {
                    do { _ = try reader.read(path: path) } catch { failure = error }
                }
                if let failure { throw failure }
                samples.append(Double(bytes.count) / 1e6 / seconds)
            }
            let name = compression == .plain ? "read plain Criteo file" : "read \(compression.rawValue) Criteo file"
            figures.append(Benchmark.Figure(name: "\(name), \(threads) thread\(threads == 1 ? "" : "s")", unit: "MB/s", samples: samples))
        }
        return Result(figures: figures, ratios: ratios)
    }

    /// `bytes` as one gzip member.
    static func gzip(_ bytes: [UInt8], level: Int32) throws -> [UInt8] {
        var stream = z_stream()
        guard cz_deflate_init_gzip(&stream, level) == Z_OK else { throw DataError(file: "bench", "zlib: cannot start compressing") }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let status = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw DataError(file: "bench", "zlib: compression failed (\(status))") }
        return Array(out.prefix(Int(stream.total_out)))
    }

    /// `bytes` as one zstd frame.
    static func zstd(_ bytes: [UInt8], level: Int32) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
        let written = bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { ZSTD_compress($0.baseAddress, $0.count, input.baseAddress, input.count, level) }
        }
        guard ZSTD_isError(written) == 0 else { throw DataError(file: "bench", "libzstd: \(String(cString: ZSTD_getErrorName(written)))") }
        return Array(out.prefix(written))
    }
}
