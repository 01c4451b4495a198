import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// A streamed file split among the ranks of a job: the parts tile the file, start at line starts,
/// and know their first line's number — checked against the file's lines split by hand.
final class StreamShardTests: XCTestCase {
    func testPartsTileTheFileAtLineStartsWithTheirLineNumbers() throws {
        let folder = try TemporaryFolder()
        let texts = [
            "h1,h2\n" + (0..<37).map { "row\($0),\(String(repeating: "x", count: $0 % 7))\n" }.joined(),
            (0..<5).map { "\($0)\t\($0 * 3)\n" }.joined(),              // no header
            "h\n" + "a\n",                                              // fewer rows than ranks
            "h\n" + (0..<9).map { "r\($0)" }.joined(separator: "\n"),   // no newline at the end
            "h\r\n" + (0..<6).map { "r\($0)\r\n" }.joined(),            // CRLF
        ]
        for (t, text) in texts.enumerated() {
            let path = try folder.write("f\(t).txt", text)
            let bytes = Array(text.utf8)
            let header = t != 1
            // Line starts, by hand: 0 and every byte after a newline.
            let lineStarts = [0] + bytes.indices.filter { bytes[$0] == 10 }.map { $0 + 1 }
            for ranks in 1...5 {
                let shards = try (0..<ranks).map { try StreamShard.make(path: path, rank: $0, ranks: ranks, header: header) }
                XCTAssertEqual(shards.first?.bytes.lowerBound, 0)
                XCTAssertEqual(shards.last?.bytes.upperBound, bytes.count, "file \(t), \(ranks) ranks")
                for (a, b) in zip(shards, shards.dropFirst()) { XCTAssertEqual(a.bytes.upperBound, b.bytes.lowerBound) }
                for shard in shards.dropFirst() where shard.bytes.lowerBound < bytes.count {
                    XCTAssertTrue(lineStarts.contains(shard.bytes.lowerBound), "file \(t): part at \(shard.bytes) starts inside a line")
                    if header { XCTAssertGreaterThan(shard.bytes.lowerBound, lineStarts[1] - 1, "file \(t): the header is rank 0's") }
                }
                for shard in shards {
                    let line = 1 + bytes[..<shard.bytes.lowerBound].filter { $0 == 10 }.count
                    XCTAssertEqual(shard.firstLine, line, "file \(t), \(ranks) ranks")
                }
                // No line is read twice or lost: the parts' line counts add up to the file's.
                let lines = shards.map { s in bytes[s.bytes].filter { $0 == 10 }.count }
                XCTAssertEqual(lines.reduce(0, +), bytes.filter { $0 == 10 }.count)
            }
        }
    }

    /// The parts of a 1,000-row file among 3 ranks are about even (by bytes: rows of one length
    /// here, so by rows too).
    func testPartsAreEvenBySize() throws {
        let folder = try TemporaryFolder()
        let text = "h\n" + (0..<1000).map { String(format: "r%04d\n", $0) }.joined()
        let path = try folder.write("even.csv", text)
        let rows = try (0..<3).map { r -> Int in
            let shard = try StreamShard.make(path: path, rank: r, ranks: 3, header: true)
            return Array(text.utf8)[shard.bytes].filter { $0 == 10 }.count - (r == 0 ? 1 : 0)
        }
        XCTAssertEqual(rows.reduce(0, +), 1000)
        XCTAssertLessThanOrEqual(rows.max()! - rows.min()!, 1, "\(rows)")
    }
}
