import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Bad input, each with a message naming the file, the line and (where it applies) the column.
final class DatasetReaderTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    let header = "site,price,count,click\n"

    var config: RunConfig { .clickCSV }

    private func reader(strict: Bool = false, threads: Int = 1) throws -> DatasetReader {
        DatasetReader(schema: try DataSchema(config: config), strict: strict, threads: threads)
    }

    /// Writes `body` after the header and returns the strict reader's error description.
    private func strictError(_ body: String, name: String = "bad.csv") throws -> (String, String) {
        let path = try folder.write(name, header + body)
        let reader = try reader(strict: true)
        return (thrownDescription { _ = try reader.read(path: path) }, path)
    }

    func testGoodFileReadsEveryRow() throws {
        let path = try folder.write("good.csv", header + "a,1.5,3,yes\nb,2,4,no\nc,,7,no\n")
        let data = try reader().read(path: path)
        XCTAssertEqual(data.count, 3)
        XCTAssertEqual(data.labels, [1, 0, 0])
        XCTAssertEqual(data.numeric[0], 1.5)
        XCTAssertEqual(data.numeric[1], 3)
        XCTAssertTrue(data.numeric[4].isNaN, "an empty numeric field is missing")
        XCTAssertEqual(data.categorical, [StableHash.value(field: "site", "a"), StableHash.value(field: "site", "b"),
                                          StableHash.value(field: "site", "c")])
        XCTAssertEqual(data.skippedRows, 0)
    }

    func testWrongNumberOfFields() throws {
        let (message, path) = try strictError("a,1,2,yes\nb,2,no\n")
        assertContains(message, path, ":3", "expected 4 fields, found 3")
    }

    func testNonNumericValueInNumericColumn() throws {
        let (message, path) = try strictError("a,1,2,yes\nb,2,3,no\nc,abc,1,yes\n")
        assertContains(message, path, ":4", "column 'price'", "'abc' is not a number")
    }

    func testLabelValueNotInConfiguredSet() throws {
        let (message, path) = try strictError("a,1,2,maybe\n")
        assertContains(message, path, ":2", "column 'click'", "'maybe'", "yes", "no")
    }

    func testNaNAndInfiniteNumbers() throws {
        for (value, column) in [("inf,1", "price"), ("1,-Infinity", "count"), ("1e999,1", "price")] {
            let (message, path) = try strictError("a,1,1,yes\nz,\(value),no\n", name: "nan-\(column).csv")
            assertContains(message, path, ":3", "column '\(column)'", "NaN or infinite")
        }
        // "nan" and "NaN" are missing-value tokens by default (data.missing); without them, refused.
        let missing = try readCSV(header + "z,nan,NaN,no\n", config: config, strict: true)
        XCTAssertTrue(missing.numeric[0].isNaN && missing.numeric[1].isNaN)
        var untokened = config
        untokened.data.missing = [""]
        assertContains(thrownDescription { _ = try readCSV(self.header + "z,nan,1,no\n", config: untokened, strict: true) },
                       ":2", "column 'price'", "NaN or infinite")
        // Finite in Double but not in Float: refused as too large, never silently infinite.
        let (message, path) = try strictError("a,1e39,1,yes\n", name: "large.csv")
        assertContains(message, path, ":2", "column 'price'", "too large")
    }

    func testEmptyFile() throws {
        for (name, text) in [("empty.csv", ""), ("blank.csv", "\n\r\n  \n")] {
            let path = try folder.write(name, text)
            let message = thrownDescription { _ = try self.reader().read(path: path) }
            assertContains(message, path, "empty")
        }
        let headerOnly = try folder.write("header-only.csv", header)
        assertContains(thrownDescription { _ = try self.reader().read(path: headerOnly) }, headerOnly, "no data rows")
    }

    func testMissingFile() throws {
        let path = folder.path("does-not-exist.csv")
        assertContains(thrownDescription { _ = try self.reader().read(path: path) }, path, "not found")
        assertContains(thrownDescription { _ = try self.reader().read(path: self.folder.url.path) }, "folder")
    }

    func testColumnMissingFromHeaderListsTheHeader() throws {
        var config = self.config
        config.features.numeric = ["price", "weight"]
        let path = try folder.write("h.csv", header + "a,1,2,yes\n")
        let reader = DatasetReader(schema: try DataSchema(config: config))
        let message = thrownDescription { _ = try reader.read(path: path) }
        assertContains(message, path, ":1", "'weight'", "site, price, count, click")
        // The label column too.
        config.data.label = "clicked"
        let labelReader = DatasetReader(schema: try DataSchema(config: config))
        assertContains(thrownDescription { _ = try labelReader.read(path: path) }, "'clicked'", "site, price, count, click")
    }

    func testCRLFAndBOMGiveTheSameRows() throws {
        let body = "a,1.5,3,yes\nb,2,4,no\n\"c, quoted\", 7 ,,no\n"
        let plain = try reader().read(path: try folder.write("lf.csv", header + body))
        let crlfText = (header + body).replacingOccurrences(of: "\n", with: "\r\n")
        let crlf = try reader().read(path: try folder.write("crlf.csv", crlfText))
        let bom = try reader().read(path: try folder.write("bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array(crlfText.utf8)))
        for other in [crlf, bom] {
            XCTAssertEqual(other.count, 3)
            XCTAssertEqual(other.labels, plain.labels)
            XCTAssertEqual(other.categorical, plain.categorical)
            XCTAssertEqual(other.numeric.map(\.bitPattern), plain.numeric.map(\.bitPattern))
            XCTAssertEqual(other.skippedRows, 0)
        }
        XCTAssertEqual(plain.labels, [1, 0, 0])
        // The quoted field keeps its comma; spaces around an unquoted number are trimmed.
        XCTAssertEqual(plain.categorical[2], StableHash.value(field: "site", "c, quoted"))
        XCTAssertEqual(plain.numeric[4], 7)
    }

    func testMalformedRowsAreSkippedAndCountedByDefault() throws {
        let path = try folder.write("mixed.csv", header + """
            a,1,2,yes
            b,2,no
            c,3,4,no
            d,x,4,no

            e,5,6,yes
            f,5,6,perhaps

            """)
        let data = try reader().read(path: path)
        XCTAssertEqual(data.count, 3)
        XCTAssertEqual(data.skippedRows, 3)
        XCTAssertEqual(data.labels, [1, 0, 1])
        // Lines: header 1, a 2, b 3, c 4, d 5, blank 6, e 7, f 8.
        XCTAssertEqual(data.errors.map(\.line), [3, 5, 8])
        assertContains(data.errors[1].description, path, ":5", "column 'price'")
        // strict stops at the first one, in file order.
        let message = thrownDescription { _ = try self.reader(strict: true).read(path: path) }
        assertContains(message, path, ":3", "expected 4 fields")
        // A file with no good row at all is an error, naming the first bad line.
        let allBad = try folder.write("all-bad.csv", header + "a,1\nb,2\n")
        assertContains(thrownDescription { _ = try self.reader().read(path: allBad) }, allBad, "no valid rows", ":2")
    }

    /// A file large enough to be cut into several chunks read in parallel: the rows, their order
    /// and the errors' line numbers must not depend on the thread count.
    func testChunkedParallelReadKeepsLineNumbersAndOrder() throws {
        var text = header
        var badLines: [Int] = []
        var expectedLabels: [Float] = []
        let rows = 120_000
        for i in 0..<rows {
            let line = i + 2
            if i % 9_973 == 17 {
                text += "bad\(i),oops,1,no\n"
                badLines.append(line)
            } else {
                text += "s\(i % 977),\(i % 100).5,\(i),\(i % 3 == 0 ? "yes" : "no")\n"
                expectedLabels.append(i % 3 == 0 ? 1 : 0)
            }
        }
        let path = try folder.write("big.csv", text)
        XCTAssertGreaterThan(text.utf8.count, 2 << 20, "at least three 1 MB chunks")
        let one = try reader(threads: 1).read(path: path)
        let four = try reader(threads: 4).read(path: path)
        for data in [one, four] {
            XCTAssertEqual(data.count, rows - badLines.count)
            XCTAssertEqual(data.labels, expectedLabels)
            XCTAssertEqual(data.skippedRows, badLines.count)
            XCTAssertEqual(data.errors.map(\.line), badLines)
        }
        XCTAssertEqual(one.categorical, four.categorical)
        XCTAssertEqual(one.numeric.map(\.bitPattern), four.numeric.map(\.bitPattern))
        let message = thrownDescription { _ = try self.reader(strict: true, threads: 4).read(path: path) }
        assertContains(message, path, ":\(badLines[0]):", "column 'price'")
    }

    func testCriteoLayout() throws {
        // label, I1…I13, C1…C26, tab-separated, empty = missing.
        let ints = (1...13).map { $0 == 2 ? "" : String($0) }
        let cats = (1...26).map { $0 == 5 ? "" : String(format: "%08x", $0 * 4099) }
        let line = (["1"] + ints + cats).joined(separator: "\t")
        let short = (["0"] + ints).joined(separator: "\t")
        let path = try folder.write("day.tsv", line + "\n" + short + "\n")
        let data = try DatasetReader(schema: .criteo()).read(path: path)
        XCTAssertEqual(data.count, 1)
        XCTAssertEqual(data.labels, [1])
        XCTAssertEqual(data.numeric[0], 1)
        XCTAssertTrue(data.numeric[1].isNaN)
        XCTAssertEqual(data.categorical[0], StableHash.value(field: "C1", String(format: "%08x", 4099)))
        XCTAssertEqual(data.categorical[4], StableHash.value(field: "C5", ""), "missing is the empty value")
        XCTAssertEqual(data.errors.first?.line, 2)
        assertContains(data.errors[0].description, path, ":2", "expected 40 fields, found 14")
    }

    /// A header with an unterminated quote is refused as a data row with the same defect is
    /// (it silently lost its last column); a lone CR in the first line says how lines must end.
    func testHeaderWithAnUnterminatedQuoteIsRefused() throws {
        let quoted = try folder.write("q.csv", "site,price,count,\"click\nb,2,4,no\n")
        assertContains(thrownDescription { _ = try self.reader().read(path: quoted) }, quoted, ":1", "unterminated or misplaced quote")
        let cr = try folder.write("cr.csv", "site,price,count,click\rb,2,4,no\r")
        assertContains(thrownDescription { _ = try self.reader().read(path: cr) }, cr, ":1", "carriage return", "LF or CRLF")
        // A quoted header name with the delimiter inside is one column.
        let fine = try folder.write("ok.csv", "site,\"price\",count,click\na,1,2,yes\n")
        XCTAssertEqual(try reader().read(path: fine).count, 1)
    }
}
