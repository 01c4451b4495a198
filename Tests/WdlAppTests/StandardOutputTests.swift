import Foundation
import XCTest
@testable import WdlApp

/// The one writer of stdout and stderr: a write that fails throws with the reason instead of
/// trapping, and a log line that fails is counted for the command's end.
final class StandardOutputTests: XCTestCase {
    func testFailedWritesThrowAndLostLogLinesAreCounted() throws {
        signal(SIGPIPE, SIG_IGN)  // as StandardOutput.prepare() sets it in wdl
        let saved = dup(STDOUT_FILENO)
        let full = open("/dev/full", O_WRONLY)
        XCTAssertGreaterThanOrEqual(full, 0)
        dup2(full, STDOUT_FILENO)
        let onFull = Result { () throws(StandardStreamError) in try StandardOutput.write(line: "a result") }
        let before = StandardOutput.lostLines().first { $0.stream == .output }?.count ?? 0
        StandardOutput.line("a log line")
        StandardOutput.line("another")
        let after = StandardOutput.lostLines().first { $0.stream == .output }
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        close(ends[0])  // the reader is gone
        dup2(ends[1], STDOUT_FILENO)
        let onBrokenPipe = Result { () throws(StandardStreamError) in try StandardOutput.write(line: "to nobody") }
        dup2(saved, STDOUT_FILENO)
        for fd in [saved, full, ends[1]] { close(fd) }

        XCTAssertEqual(onFull.failure, StandardStreamError(stream: .output, reason: String(cString: strerror(ENOSPC))))
        XCTAssertEqual(onBrokenPipe.failure, StandardStreamError(stream: .output, reason: String(cString: strerror(EPIPE))))
        XCTAssertEqual(after?.count, before + 2)
        let message = try XCTUnwrap(StandardOutput.lostLinesMessage())
        XCTAssertTrue(message.contains("of output to standard output could not be written (\(String(cString: strerror(ENOSPC))))"), message)
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
