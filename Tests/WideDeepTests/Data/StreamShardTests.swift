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
                XCTAssertEqual(shards.first?.pieces[0].bytes.lowerBound, 0)
                XCTAssertEqual(shards.last?.pieces[0].bytes.upperBound, bytes.count, "file \(t), \(ranks) ranks")
                for (a, b) in zip(shards, shards.dropFirst()) { XCTAssertEqual(a.pieces[0].bytes.upperBound, b.pieces[0].bytes.lowerBound) }
                for shard in shards.dropFirst() where shard.pieces[0].bytes.lowerBound < bytes.count {
                    XCTAssertTrue(lineStarts.contains(shard.pieces[0].bytes.lowerBound), "file \(t): part at \(shard.pieces[0].bytes) starts inside a line")
                    if header { XCTAssertGreaterThan(shard.pieces[0].bytes.lowerBound, lineStarts[1] - 1, "file \(t): the header is rank 0's") }
                }
                for shard in shards {
                    let line = 1 + bytes[..<shard.pieces[0].bytes.lowerBound].filter { $0 == 10 }.count
                    XCTAssertEqual(shard.pieces[0].firstLine, line, "file \(t), \(ranks) ranks")
                }
                // No line is read twice or lost: the parts' line counts add up to the file's.
                let lines = shards.map { s in bytes[s.pieces[0].bytes].filter { $0 == 10 }.count }
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
            return Array(text.utf8)[shard.pieces[0].bytes].filter { $0 == 10 }.count - (r == 0 ? 1 : 0)
        }
        XCTAssertEqual(rows.reduce(0, +), 1000)
        XCTAssertLessThanOrEqual(rows.max()! - rows.min()!, 1, "\(rows)")
    }
}

/// Shards of a set of part files: the concatenation is cut, plain parts at line starts, and a
/// compressed part goes whole to one rank.
final class StreamShardPartsTests: XCTestCase {
    func testPlainAndCompressedPartsTileTheSetAmongRanks() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path("p"), withIntermediateDirectories: true)
        let header = "a,b\n"
        let rows = (0..<120).map { "r\(String(format: "%03d", $0)),\($0 % 2)\n" }  // 7 bytes each
        let plain0 = try folder.write("p/part-0", header + rows[0..<40].joined())
        let gz = try folder.write("p/part-1", bytes: try CompressedReadBenchmark.gzip(Array((header + rows[40..<80].joined()).utf8), level: 6))
        let plain2 = try folder.write("p/part-2", header + rows[80...].joined())
        for ranks in 1...5 {
            let shards = try (0..<ranks).map { try StreamShard.make(path: folder.path("p"), rank: $0, ranks: ranks, header: true) }
            // Every byte of every part lies in exactly one rank's pieces, in order.
            var covered: [String: [Range<Int>]] = [:]
            for shard in shards { for piece in shard.pieces { covered[piece.path, default: []].append(piece.bytes) } }
            for (path, size) in [(plain0, 4 + 280), (gz, try FileManager.default.attributesOfItem(atPath: gz)[.size] as! Int), (plain2, 4 + 280)] {
                let ranges = covered[path] ?? []
                XCTAssertEqual(ranges.first?.lowerBound, 0, "\(path), \(ranks) ranks")
                XCTAssertEqual(ranges.last?.upperBound, size, "\(path), \(ranks) ranks")
                for (a, b) in zip(ranges, ranges.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
            }
            // The compressed part is never cut.
            XCTAssertEqual(covered[gz]?.count, 1, "\(ranks) ranks")
            for shard in shards {
                for piece in shard.pieces where piece.path != gz && piece.bytes.lowerBound > 0 {
                    XCTAssertEqual((piece.bytes.lowerBound - 4) % 7, 0, "cut at a line start")
                    XCTAssertEqual(piece.firstLine, 2 + (piece.bytes.lowerBound - 4) / 7)
                }
            }
        }
        // Two ranks: the middle of the data bytes falls in the gzip part, which goes whole to
        // the rank whose end of it is nearer.
        let gzSize = try FileManager.default.attributesOfItem(atPath: gz)[.size] as! Int
        let middle = (280 + gzSize + 280) / 2 - 280
        let two = try (0..<2).map { try StreamShard.make(path: folder.path("p"), rank: $0, ranks: 2, header: true) }
        XCTAssertEqual(two[0].pieces.map(\.path), 2 * middle < gzSize ? [plain0] : [plain0, gz])
        XCTAssertEqual(two[1].pieces.map(\.path), 2 * middle < gzSize ? [gz, plain2] : [plain2])
        assertContains(thrownDescription { _ = try StreamShard.make(path: "-", rank: 0, ranks: 2, header: true) }, "standard input")
    }
}
