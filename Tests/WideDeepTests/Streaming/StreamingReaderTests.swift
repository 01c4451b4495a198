import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Reading a file block by block gives the rows and the malformed-row errors (file, line, column)
/// that reading it whole gives, wherever the block boundaries fall.
final class StreamingReaderTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    private var csvConfig: RunConfig { .clickCSV }

    /// Every block of the stream joined into one dataset.
    private func readStreamed(_ path: String, schema: DataSchema, blockBytes: Int, threads: Int,
                              strict: Bool = false) throws -> RawDataset {
        let reader = try StreamingReader(path: path, schema: schema, strict: strict, threads: threads, blockBytes: blockBytes)
        var all = RawDataset(schema: schema)
        var blocks = 0
        while let pieces = try reader.next() {
            blocks += 1
            for piece in pieces { all.append(piece) }
        }
        XCTAssertTrue(reader.finished)
        XCTAssertEqual(reader.rows, all.count)
        XCTAssertEqual(reader.skippedRows, all.skippedRows)
        XCTAssertEqual(reader.firstErrors, all.errors)
        if blockBytes < 64 { XCTAssertGreaterThan(blocks, 5, "small blocks cut the file many times") }
        return all
    }

    private func assertSameRows(_ a: RawDataset, _ b: RawDataset, _ context: String) {
        XCTAssertEqual(a.count, b.count, context)
        XCTAssertEqual(a.labels, b.labels, context)
        XCTAssertEqual(a.categorical, b.categorical, context)
        XCTAssertEqual(a.numeric.map(\.bitPattern), b.numeric.map(\.bitPattern), context)
        XCTAssertEqual(a.skippedRows, b.skippedRows, context)
        XCTAssertEqual(a.errors, b.errors, context)
    }

    /// A CSV with a BOM, CRLF line ends, blank lines, a quoted field and bad rows spread over the
    /// file: block sizes from one byte to more than the file, 1 and 2 threads.
    func testBadRowLinesAreRightAcrossBlockBoundaries() throws {
        var lines = ["site,price,count,click"]
        for i in 0..<120 {
            switch i {
            case 7: lines.append("a,1,2,maybe")                 // bad label
            case 30: lines.append("")                           // blank line, still numbered
            case 31: lines.append("b,abc,1,yes")                // not a number
            case 55: lines.append("\"c,d\",3,4,no")              // quoted delimiter: a good row
            case 80: lines.append("c,1,yes")                    // too few fields
            case 119: lines.append("z,2,inf,no")                // infinity refused ("nan" is a missing token)
            default: lines.append("s\(i % 7),\(Double(i) / 4),\(i),\(i % 3 == 0 ? "yes" : "no")")
            }
        }
        let text = "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
        let path = try folder.write("bad.csv", text)
        let schema = try DataSchema(config: csvConfig)
        let whole = try DatasetReader(schema: schema).read(path: path)
        XCTAssertEqual(whole.skippedRows, 4)
        XCTAssertEqual(whole.errors.compactMap(\.line), [9, 33, 82, 121])
        for blockBytes in [1, 13, 64, 500, 1 << 20] {
            for threads in [1, 2] {
                let streamed = try readStreamed(path, schema: schema, blockBytes: blockBytes, threads: threads)
                assertSameRows(streamed, whole, "block \(blockBytes), threads \(threads)")
            }
        }
        // Strict: the first bad row in file order stops the reader, naming its line.
        let message = thrownDescription {
            _ = try self.readStreamed(path, schema: schema, blockBytes: 40, threads: 2, strict: true)
        }
        assertContains(message, path, ":9", "column 'click'", "'maybe'")
    }

    /// Criteo rows (no header), one corrupted after the first block, and a line longer than a block.
    func testCriteoFileMatchesTheWholeFileReader() throws {
        let (bytes, _, _) = SyntheticCTR(seed: 5).generate(rows: 300, threads: 1)
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[150] = lines[150].replacingOccurrences(of: "\t", with: "\tx", options: [], range: lines[150].range(of: "\t"))
        lines[200] = String(repeating: "q", count: 5000)
        let path = try folder.write("train.tsv", lines.joined(separator: "\n"))
        let schema = DataSchema.criteo()
        let whole = try DatasetReader(schema: schema).read(path: path)
        XCTAssertEqual(whole.errors.compactMap(\.line), [151, 201])
        for blockBytes in [777, 4096] {
            for threads in [1, 2] {
                let streamed = try readStreamed(path, schema: schema, blockBytes: blockBytes, threads: threads)
                assertSameRows(streamed, whole, "block \(blockBytes), threads \(threads)")
            }
        }
    }

    func testEmptyAndRowlessFilesAreRefusedAsWhenReadWhole() throws {
        let schema = try DataSchema(config: csvConfig)
        for (name, text, expected) in [("empty.csv", " \n\n", "the file is empty"),
                                       ("header.csv", "site,price,count,click\n", "the file has no data rows"),
                                       ("bad.csv", "site,price,count,click\na,1,2\n", "no valid rows (1 malformed)")] {
            let path = try folder.write(name, text)
            let message = thrownDescription { _ = try self.readStreamed(path, schema: schema, blockBytes: 4, threads: 1) }
            assertContains(message, path, expected)
        }
        assertContains(thrownDescription { _ = try StreamingReader(path: self.folder.path("none.csv"), schema: schema,
                                                                    strict: false, threads: 1, blockBytes: 10) },
                       "none.csv", "file not found")
    }
}
