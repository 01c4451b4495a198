import Foundation
import XCTest
@testable import SafeTensors
import WDLTestSupport

/// A user-named output: regular files are replaced atomically, anything else is written through
/// and stays what it was (the rename used to turn /dev/stdout into a regular file under root).
final class OutputFileTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    private func fileType(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0, path)
        return info.st_mode & S_IFMT
    }

    private func inode(_ path: String) -> ino_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0, path)
        return info.st_ino
    }

    func testDestinations() throws {
        let regular = try folder.write("old.txt", "old\n")
        let link = folder.path("link.txt")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: regular)
        XCTAssertEqual(OutputFile.destination(of: "-"), .standardOutput)
        XCTAssertEqual(OutputFile.destination(of: regular), .atomic)
        XCTAssertEqual(OutputFile.destination(of: folder.path("new.txt")), .atomic, "a new file is created atomically")
        XCTAssertEqual(OutputFile.destination(of: link), .writeThrough, "a symlink stays a symlink even to a regular file")
        XCTAssertEqual(OutputFile.destination(of: "/dev/null"), .writeThrough)
        XCTAssertEqual(OutputFile.displayName(of: "-"), "standard output")
    }

    /// A regular file is replaced by rename: a new inode, and no temporary file left behind.
    func testRegularFileIsReplacedAtomically() throws {
        let path = try folder.write("out.txt", "previous content that is longer\n")
        let before = inode(path)
        try OutputFile.write(Array("new\n".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new\n")
        XCTAssertNotEqual(inode(path), before, "renamed over, not rewritten in place")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.url.path), ["out.txt"])
    }

    /// Through a symlink: the link survives and its target holds exactly the new content.
    func testSymlinkIsWrittenThrough() throws {
        let target = try folder.write("target.txt", "previous content that is longer\n")
        let link = folder.path("link.txt")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try OutputFile.write(to: link) { output in
            try output.write(Array("a\n".utf8))
            try output.write(Array("b\n".utf8))
        }
        XCTAssertEqual(fileType(link), S_IFLNK)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "a\nb\n", "truncated, then written")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted(), ["link.txt", "target.txt"])
    }

    /// A FIFO is written through to its reader and is still a FIFO afterwards.
    func testFifoIsWrittenThrough() throws {
        let fifo = folder.path("pipe")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let received = ReceivedBytes()
        let reader = Thread {
            // Plain read(2) until end of file: the writer's open blocks until a reader opens.
            let fd = open(fifo, O_RDONLY)
            var block = [UInt8](repeating: 0, count: 65_536)
            while fd >= 0 {
                let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n <= 0 { break }
                received.bytes.append(contentsOf: block[0..<n])
            }
            close(fd)
            received.done.signal()
        }
        reader.start()
        let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try OutputFile.write(payload, to: fifo)
        XCTAssertEqual(received.done.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(Array(received.bytes), payload)
        XCTAssertEqual(fileType(fifo), S_IFIFO)
    }

    func testDeviceIsWrittenThrough() throws {
        try OutputFile.write(Array("discarded\n".utf8), to: "/dev/null")
        XCTAssertEqual(fileType("/dev/null"), S_IFCHR)
    }

    func testWriteThroughErrorNamesTheFile() throws {
        let sub = folder.path("a-folder")
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        XCTAssertThrowsError(try OutputFile.write(Array("x".utf8), to: sub)) { error in
            XCTAssertTrue("\(error)".contains(sub), "\(error)")
        }
    }
}

private final class ReceivedBytes: @unchecked Sendable {
    var bytes = Data()
    let done = DispatchSemaphore(value: 0)
}
