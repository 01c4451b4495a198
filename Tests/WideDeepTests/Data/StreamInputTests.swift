import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// `--data -`: standard input, which has no size up front, read to its end.
final class StreamInputTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    let text = "site,price,count,click\na,1.5,3,yes\nb,2,4,no\nc,,7,no\n"

    private func reader() throws -> DatasetReader { DatasetReader(schema: try DataSchema(config: .clickCSV)) }

    /// `-` reads standard input to its end (here a pipe put in place of descriptor 0) and names
    /// it "standard input" in errors.
    func testDashReadsStandardInput() throws {
        let fromFile = try reader().read(path: try folder.write("good.csv", text))
        let viaStdin = try withStandardInput(text) { try self.reader().read(path: "-") }
        XCTAssertEqual(viaStdin.count, 3)
        XCTAssertEqual(viaStdin.labels, fromFile.labels)
        XCTAssertEqual(viaStdin.categorical, fromFile.categorical)
        XCTAssertEqual(viaStdin.numeric.map(\.bitPattern), fromFile.numeric.map(\.bitPattern))
        let message = thrownDescription {
            _ = try self.withStandardInput("site,price,count,click\na,1,2\n") { try self.reader().read(path: "-") }
        }
        assertContains(message, "standard input", ":2")
    }

    /// Runs `body` with `input` on descriptor 0, restoring the real standard input afterwards.
    private func withStandardInput<T>(_ input: String, _ body: () throws -> T) throws -> T {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        let bytes = Array(input.utf8)
        XCTAssertLessThan(bytes.count, 4096, "fits the pipe's buffer, so no writer thread is needed")
        XCTAssertEqual(bytes.withUnsafeBytes { write(ends[1], $0.baseAddress!, $0.count) }, bytes.count)
        close(ends[1])
        let saved = dup(0)
        dup2(ends[0], 0)
        close(ends[0])
        defer {
            dup2(saved, 0)
            close(saved)
        }
        return try body()
    }
}
