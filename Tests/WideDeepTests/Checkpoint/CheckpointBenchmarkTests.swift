import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

final class CheckpointBenchmarkTests: XCTestCase {
    /// A small model through the benchmark's path (timings mean nothing in a test; this checks
    /// that it runs, round-trips and cleans up).
    func testSmallBenchmarkRuns() throws {
        let folder = try TemporaryFolder()
        let result = try CheckpointBenchmark.measure(runs: 1, directory: folder.url, hashBuckets: 1 << 12, fields: 26,
                                                     rows: 256, dim: 4)
        // z and n (2 × 4097 F32), group_of (4096 U16), 26 × 256 × 4 embeddings and as many
        // AdaGrad accumulators (F32), 26 × 256 touched flags, the dense tower: at least this much.
        XCTAssertGreaterThan(result.bytes, 2 * 4097 * 4 + 4096 * 2 + 2 * 26 * 256 * 4 * 4 + 26 * 256)
        XCTAssertGreaterThan(result.saveMBps, 0)
        XCTAssertGreaterThan(result.loadMBps, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.url.path), [])
    }
}
