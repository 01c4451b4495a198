import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// `wdl train --train - --stream`: the training rows come once through a pipe. The fitting pass's
/// rows are trained first and the reader goes on, so the run trains exactly what streaming the
/// same bytes from a file trains.
final class PipedStreamTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    func testStreamedRunOverStandardInputTrainsAsTheFileDoes() throws {
        var config = try SmallRun.config(in: folder)
        config.train.epochs = 1
        let text = try String(contentsOfFile: config.data.train!, encoding: .utf8)
        var stream = StreamOptions(shuffleBuffer: 300)
        stream.blockBytes = 997
        stream.fitRows = 500  // fitting stops inside the file: the rest is read by the training pass
        var options = SessionOptions()
        options.stream = stream
        let fromFile = SmallRun.run(config, options: options)

        var piped = config
        piped.data.train = "-"
        let fromPipe = try withStandardInput(Array(text.utf8)) { SmallRun.run(piped, options: options) }
        XCTAssertEqual(fromPipe.examplesSeen, 2000, "every row once")
        XCTAssertEqual(fromPipe.examplesSeen, fromFile.examplesSeen)
        let a = try XCTUnwrap(fromFile.validation.last?.metrics), b = try XCTUnwrap(fromPipe.validation.last?.metrics)
        XCTAssertEqual(a.logloss, b.logloss)
        XCTAssertEqual(a.auc, b.auc)
    }

    /// Runs `body` with `bytes` written to descriptor 0 by a thread (more than a pipe's buffer),
    /// restoring the real standard input afterwards.
    private func withStandardInput<T>(_ bytes: [UInt8], _ body: () throws -> T) throws -> T {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        let writeEnd = ends[1]
        let writer = Thread {
            var sent = 0
            while sent < bytes.count {
                let n = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress! + sent, bytes.count - sent) }
                if n <= 0 { break }
                sent += n
            }
            close(writeEnd)
        }
        writer.start()
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
