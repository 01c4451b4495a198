import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Data that has no size up front: `--data -` (standard input) and pipes such as `<(command)`.
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

    /// A FIFO reports size 0; it is read to its end rather than taken as empty.
    func testFifoIsReadToItsEnd() throws {
        let fifo = folder.path("pipe.csv")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // More than one read block (1 MiB) of rows, so the loop has to continue.
        var big = "site,price,count,click\n"
        for i in 0..<90_000 { big += "s\(i % 97),\(i % 13).5,\(i % 7),\(i % 3 == 0 ? "yes" : "no")\n" }
        XCTAssertGreaterThan(big.utf8.count, 1 << 20)
        let payload = Array(big.utf8)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            var done = 0
            while fd >= 0 && done < payload.count {
                let n = payload[done...].withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
                if n <= 0 { break }
                done += n
            }
            close(fd)
        }
        writer.start()
        let data = try reader().read(path: fifo)
        XCTAssertEqual(data.count, 90_000)
        XCTAssertEqual(data.labels.filter { $0 == 1 }.count, 30_000)
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
