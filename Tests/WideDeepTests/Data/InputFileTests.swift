import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Special files are refused at once with their reason, or read as streams; never a hang, never
/// "file not found" for a file that is there.
final class InputFileTests: XCTestCase {
    func testAFifoWithNoWriterIsRefusedWithoutBlocking() throws {
        let folder = try TemporaryFolder()
        let fifo = folder.path("pipe.csv")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let started = Date()
        assertContains(thrownDescription { _ = try DatasetReader.load(path: fifo) }, fifo, "named pipe (FIFO)")
        assertContains(thrownDescription { _ = try LoadedCheckpoint.load(path: fifo) }, fifo, "named pipe")
        assertContains(thrownDescription { _ = try RunConfigLoader.load(path: fifo) }, fifo, "named pipe")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testSymlinkLoopsTooLongNamesFoldersAndDevicesHaveTheirOwnMessages() throws {
        let folder = try TemporaryFolder()
        let a = folder.path("a"), b = folder.path("b")
        try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: b)
        try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: a)
        XCTAssertEqual(InputFile.problem(with: a), "a loop of symbolic links: the path never reaches a file")
        let long = folder.path(String(repeating: "n", count: 300))
        XCTAssertEqual(InputFile.problem(with: long), "the path is too long for the system (\(long.utf8.count) bytes)")
        XCTAssertEqual(InputFile.problem(with: folder.path("absent.csv")), "file not found")
        XCTAssertEqual(InputFile.problem(with: folder.path(".")), "is a folder, not a file")
        XCTAssertEqual(InputFile.problem(with: "/dev/null"), "is a device, not a regular file")
        XCTAssertNil(InputFile.problem(with: try folder.write("ok.csv", "a\n")))
    }

    /// /proc files report size 0 but have content: they are read to their end, not "empty".
    func testFilesThatReportNoSizeAreReadToTheirEnd() throws {
        let bytes = try DatasetReader.load(path: "/proc/self/status")
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("Name:"))
    }

    /// The audit's 10 MB line with no newline: refused at once, with a message of readable length.
    func testAHugeHeaderIsRefusedQuicklyWithAShortMessage() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("long.csv", String(repeating: "ab,", count: 3_000_000))
        var config = RunConfig()
        config.data.train = path
        config.features.categorical = ["a"]
        let started = Date()
        let message = thrownDescription { _ = try RunData.load(config: config, threads: 1) }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        assertContains(message, path, ":1:", "3000001 columns, more than the 100000")
        XCTAssertLessThan(message.count, 1200)
    }
}
