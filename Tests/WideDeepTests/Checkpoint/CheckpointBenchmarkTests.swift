import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

final class CheckpointBenchmarkTests: XCTestCase {
    /// A small model through the benchmark's path (timings mean nothing in a test): the size it
    /// reports is the file's, whose tensor data is counted here by hand, and it cleans up.
    func testReportsTheSizeOfTheFileItMeasured() throws {
        let folder = try TemporaryFolder()
        let result = try CheckpointBenchmark.measure(runs: 1, directory: folder.url, hashBuckets: 1 << 12, fields: 26,
                                                     rows: 256, dim: 4)
        // F32 unless noted. Wide: FTRL z and n over 4,096 coordinates + the bias; group_of (U16).
        let wide = 2 * 4097 * 4 + 4096 * 2
        // 26 fields × 256 rows × 4 dims, their AdaGrad accumulators, touched flags (U8).
        let embeddings = 2 * 26 * 256 * 4 * 4 + 26 * 256
        // Dense 117 (26 × 4 embeddings + 13 numerics) → 256 → 128 → 1, weights and biases,
        // and as many AdaGrad accumulators.
        let dense = 2 * 4 * (117 * 256 + 256 + 256 * 128 + 128 + 128 + 1)
        let data = wide + embeddings + dense
        // The file: 8 bytes of header length, the JSON header (config, layout, checksums: a
        // few kB), then exactly the tensor data.
        XCTAssertGreaterThan(result.bytes, 8 + data + 1_000)
        XCTAssertLessThan(result.bytes, 8 + data + 64_000)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.url.path), [])
    }
}
