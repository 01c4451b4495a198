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

    /// A streamed reader over `-` reads standard input (gzip'd here) to the same rows as the file.
    func testStreamingReaderReadsCompressedStandardInput() throws {
        let schema = try DataSchema(config: .clickCSV)
        let fromFile = try reader().read(path: try folder.write("good.csv", text))
        let gz = try CompressedReadBenchmark.gzip(Array(text.utf8), level: 6)
        let labels = try withStandardInput(bytes: gz) { () -> [Float] in
            let streamed = try StreamingReader(path: "-", schema: schema, strict: false, threads: 1, blockBytes: 8)
            var labels: [Float] = []
            while let pieces = try streamed.next() { for p in pieces { labels += p.labels } }
            XCTAssertEqual(streamed.file, "standard input")
            return labels
        }
        XCTAssertEqual(labels, fromFile.labels)
    }

    /// A streamed run over a pipe has one pass: more epochs are refused, saying what to pass.
    func testStreamedStandardInputNeedsOneEpoch() throws {
        var config = RunConfig.clickCSV
        config.data.train = "-"
        config.data.valid = try folder.write("valid.csv", text)
        config.train.epochs = 3
        let message = thrownDescription { _ = try RunData.loadStreaming(config: config, options: StreamOptions(), threads: 1) }
        assertContains(message, "--epochs 1", "it is 3", "drop --stream")
    }

    /// Runs `body` with `input` on descriptor 0, restoring the real standard input afterwards.
    private func withStandardInput<T>(_ input: String, _ body: () throws -> T) throws -> T {
        try withStandardInput(bytes: Array(input.utf8), body)
    }

    private func withStandardInput<T>(bytes: [UInt8], _ body: () throws -> T) throws -> T {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
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
