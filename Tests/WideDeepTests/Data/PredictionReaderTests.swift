import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// The reader's prediction mode: the label column may be absent and is never read, and every
/// parsed row knows its index among the file's data rows.
final class PredictionReaderTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    private var schema: DataSchema {
        var config = RunConfig.clickCSV
        config.features.numeric = ["price"]
        return try! DataSchema(config: config)
    }

    private func read(_ text: String, purpose: DatasetReader.Purpose, threads: Int = 1, schema: DataSchema? = nil) throws -> RawDataset {
        var reader = DatasetReader(schema: schema ?? self.schema, threads: threads)
        reader.purpose = purpose
        return try reader.read(path: try folder.write("in-\(UUID().uuidString)", text))
    }

    func testCSVWithoutTheLabelColumn() throws {
        let text = "site,price\na,1.5\nb,2\n"
        assertContains(thrownDescription { _ = try read(text, purpose: .training) }, "the label column 'click' is not in the header")
        let data = try read(text, purpose: .prediction)
        XCTAssertEqual(data.count, 2)
        XCTAssertEqual(data.numeric, [1.5, 2])
        XCTAssertEqual(data.categorical, [StableHash.value(field: "site", "a"), StableHash.value(field: "site", "b")])
        XCTAssertEqual(data.dataRows, 2)
        XCTAssertEqual(data.dataRowIndices, [0, 1])
    }

    /// With the label column present, prediction reads the same features and ignores the label,
    /// even a value training would refuse; training mode records no row indices.
    func testCSVWithTheLabelColumnIgnoresIt() throws {
        let labelled = try read("click,site,price\nyes,a,1.5\nno,b,2\n", purpose: .training)
        let predicted = try read("click,site,price\nmaybe,a,1.5\n,b,2\n", purpose: .prediction)
        XCTAssertEqual(predicted.categorical, labelled.categorical)
        XCTAssertEqual(predicted.numeric, labelled.numeric)
        XCTAssertEqual(predicted.skippedRows, 0)
        XCTAssertEqual(predicted.dataRowIndices, [0, 1])
        XCTAssertEqual(labelled.dataRowIndices, [])
        XCTAssertEqual(labelled.dataRows, 2)
    }

    /// Blank lines are not data rows; malformed rows are data rows without an entry, so the
    /// indices of the rows after them stay right. Line numbers in errors count every line.
    func testBlankLinesAndBadRows() throws {
        let text = "site,price\n\na,1\nb,oops\n   \nc,3\nd\ne,5\n\n"
        let data = try read(text, purpose: .prediction)
        XCTAssertEqual(data.dataRows, 5)  // a, b, c, d, e
        XCTAssertEqual(data.dataRowIndices, [0, 2, 4])
        XCTAssertEqual(data.numeric, [1, 3, 5])
        XCTAssertEqual(data.skippedRows, 2)
        XCTAssertEqual(data.errors.map(\.line), [4, 7])
        assertContains(data.errors[0].description, ":4: column 'price': 'oops' is not a number")
    }

    /// Chunks parsed in parallel join with the right row indices.
    func testRowIndicesAcrossChunks() throws {
        var text = "site,price\n"
        var expected: [Int] = []
        var row = 0
        for i in 0..<120_000 {
            if i % 1000 == 999 { text += "\n"; continue }
            if i % 777 == 0 { text += "bad,row,here\n" } else { text += "s\(i % 50),\(i)\n"; expected.append(row) }
            row += 1
        }
        let data = try read(text, purpose: .prediction, threads: 4)
        XCTAssertEqual(data.dataRows, row)
        XCTAssertEqual(data.dataRowIndices, expected)
        XCTAssertEqual(data.count, expected.count)
    }

    /// Criteo: the first data row decides whether rows carry the label (40 fields) or not (39).
    func testCriteoWithAndWithoutTheLabel() throws {
        let numbers = (1...13).map(String.init), categories = (1...26).map { "c\($0)" }
        let unlabelled = (numbers + categories).joined(separator: "\t")
        let withLabel = try read("1\t" + unlabelled + "\n0\t" + unlabelled + "\n", purpose: .prediction, schema: .criteo())
        let without = try read(unlabelled + "\n\n" + unlabelled + "\n" + "1\t" + unlabelled + "\n", purpose: .prediction,
                               schema: .criteo())
        XCTAssertEqual(withLabel.count, 2)
        XCTAssertEqual(without.count, 2)
        XCTAssertEqual(Array(without.numeric.prefix(13)), (1...13).map(Float.init))
        XCTAssertEqual(Array(without.categorical.prefix(26)), withLabel.categorical.prefix(26).map { $0 })
        XCTAssertEqual(without.categorical[0], StableHash.value(field: "C1", "c1"))
        XCTAssertEqual(without.dataRows, 3)
        XCTAssertEqual(without.dataRowIndices, [0, 1])
        assertContains(without.errors.first?.description ?? "", ":4: expected 39 fields, found 40")
        // Training still needs the label: 39 fields are malformed there.
        assertContains(thrownDescription { _ = try read(unlabelled + "\n", purpose: .training, schema: .criteo()) },
                       "expected 40 fields, found 39")
    }
}
