import Foundation
import WDLTestSupport
import XCTest
@testable import WdlRuns
@testable import WideDeep

/// Following a metrics log as it grows: only new bytes, partial lines waiting for their newline,
/// files that shrink or are replaced read again, bad lines named by file and line.
final class RunLogFollowerTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws {
        folder = try TemporaryFolder()
    }

    override func tearDown() {
        folder.remove()
    }

    private func append(_ text: String, to path: String) throws {
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func testFirstReadTakesEveryWholeLine() throws {
        let path = try folder.write("a.jsonl", MetricsLogLines.file(
            MetricsLogLines.start(run: "lr02"),
            MetricsLogLines.evaluation(step: 1, examples: 64),
            MetricsLogLines.evaluation(step: 2, examples: 128)))
        let follower = try RunLogFollower(path: path)
        XCTAssertEqual(follower.log.name, "lr02")
        XCTAssertEqual(follower.log.evaluations.map(\.examples), [64, 128])
        XCTAssertFalse(follower.isWaitingForNewline)
        XCTAssertFalse(follower.poll(), "nothing was added")
    }

    func testPartialLastLineWaitsForItsNewline() throws {
        let line = MetricsLogLines.evaluation(step: 3, examples: 192)
        let cut = line.index(line.startIndex, offsetBy: 20)
        let path = try folder.write("a.jsonl", MetricsLogLines.file(MetricsLogLines.evaluation(step: 1, examples: 64))
            + String(line[..<cut]))
        let follower = try RunLogFollower(path: path)
        XCTAssertEqual(follower.log.evaluations.count, 1)
        XCTAssertTrue(follower.isWaitingForNewline)
        // The rest of the line without its newline: still waiting.
        try append(String(line[cut...]), to: path)
        XCTAssertFalse(follower.poll())
        XCTAssertEqual(follower.log.evaluations.count, 1)
        try append("\n", to: path)
        XCTAssertTrue(follower.poll())
        XCTAssertEqual(follower.log.evaluations.map(\.examples), [64, 192])
        XCTAssertFalse(follower.isWaitingForNewline)
        XCTAssertEqual(follower.restarts, 0)
    }

    func testGrowthIsReadOnceAndLaterBadLinesAreProblems() throws {
        let path = try folder.write("a.jsonl", MetricsLogLines.file(MetricsLogLines.start()))
        let follower = try RunLogFollower(path: path)
        try append(MetricsLogLines.file(MetricsLogLines.evaluation(step: 1, examples: 64), "oops {",
                                        MetricsLogLines.evaluation(step: 2, examples: 128)), to: path)
        XCTAssertTrue(follower.poll())
        // Each line once (a re-read would repeat 64), the bad one skipped and named.
        XCTAssertEqual(follower.log.evaluations.map(\.examples), [64, 128])
        XCTAssertEqual(follower.problems, [DataError(file: path, line: 3, "not a JSON object")])
        try append(MetricsLogLines.file(MetricsLogLines.evaluation(step: 3, examples: 192, final: true)), to: path)
        XCTAssertTrue(follower.poll())
        XCTAssertEqual(follower.log.evaluations.map(\.examples), [64, 128, 192])
        XCTAssertEqual(follower.problems.count, 1)
        XCTAssertEqual(follower.status(now: Date()), .finished)
    }

    func testFirstReadRefusesABadLineNamingIt() throws {
        let path = try folder.write("bad.jsonl", MetricsLogLines.file(MetricsLogLines.start(), "{\"step\": 1}"))
        XCTAssertThrowsError(try RunLogFollower(path: path)) { error in
            XCTAssertEqual(error as? DataError, DataError(file: path, line: 2, #"a record without "examples""#))
        }
    }

    func testUnreadableFilesAreRefused() throws {
        let missing = folder.path("missing.jsonl")
        XCTAssertThrowsError(try RunLogFollower(path: missing)) { error in
            XCTAssertEqual((error as? DataError)?.description, "\(missing): cannot read: No such file or directory")
        }
        XCTAssertThrowsError(try RunLogFollower(path: folder.url.path)) { error in
            XCTAssertEqual((error as? DataError)?.message, "not a regular file")
        }
    }

    func testShrunkFileIsReadAgain() throws {
        let path = try folder.write("a.jsonl", MetricsLogLines.file(
            MetricsLogLines.start(run: "old"), MetricsLogLines.evaluation(step: 1, examples: 64),
            MetricsLogLines.evaluation(step: 2, examples: 128)))
        let follower = try RunLogFollower(path: path)
        try MetricsLogLines.file(MetricsLogLines.start(run: "new")).write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertTrue(follower.poll())
        XCTAssertEqual(follower.log.name, "new")
        XCTAssertTrue(follower.log.evaluations.isEmpty)
        XCTAssertEqual(follower.restarts, 1)
    }

    func testFileRewrittenPastItsOldSizeIsReadAgain() throws {
        // Emptied and written again (a new run on the same --metrics-out) before the next poll,
        // longer than before: the first line differs.
        let path = try folder.write("a.jsonl", MetricsLogLines.file(MetricsLogLines.start(run: "old")))
        let follower = try RunLogFollower(path: path)
        try MetricsLogLines.file(MetricsLogLines.start(run: "newer"), MetricsLogLines.evaluation(step: 1, examples: 64))
            .write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertTrue(follower.poll())
        XCTAssertEqual(follower.log.name, "newer")
        XCTAssertEqual(follower.log.evaluations.map(\.examples), [64])
        XCTAssertEqual(follower.restarts, 1)
    }

    func testReplacedFileIsReadAgain() throws {
        let path = try folder.write("a.jsonl", MetricsLogLines.file(MetricsLogLines.start(run: "old")))
        let follower = try RunLogFollower(path: path)
        // Another file renamed over the path: same first line, another inode.
        let other = try folder.write("b.jsonl", MetricsLogLines.file(MetricsLogLines.start(run: "old"),
                                                                     MetricsLogLines.evaluation(step: 1, examples: 64)))
        XCTAssertEqual(rename(other, path), 0)
        XCTAssertTrue(follower.poll())
        XCTAssertEqual(follower.log.evaluations.map(\.examples), [64])
        XCTAssertEqual(follower.restarts, 1)
    }

    func testRemovedFileKeepsWhatWasReadAndSaysSo() throws {
        let path = try folder.write("a.jsonl", MetricsLogLines.file(MetricsLogLines.evaluation(step: 1, examples: 64)))
        let follower = try RunLogFollower(path: path)
        try FileManager.default.removeItem(atPath: path)
        XCTAssertTrue(follower.poll())
        XCTAssertEqual(follower.readError?.message, "cannot read: No such file or directory")
        XCTAssertEqual(follower.log.evaluations.count, 1)
        XCTAssertFalse(follower.poll(), "the same error is no news")
        try folder.write("a.jsonl", MetricsLogLines.file(MetricsLogLines.evaluation(step: 1, examples: 32),
                                                         MetricsLogLines.evaluation(step: 2, examples: 96)))
        XCTAssertTrue(follower.poll())
        XCTAssertNil(follower.readError)
        XCTAssertEqual(follower.log.evaluations.map(\.examples), [32, 96])
    }

    func testStatusFromFinalRecordAndQuietTime() throws {
        let path = try folder.write("a.jsonl", MetricsLogLines.file(
            MetricsLogLines.start(seconds: 0), MetricsLogLines.evaluation(step: 1, examples: 64, seconds: 50),
            MetricsLogLines.evaluation(step: 2, examples: 128, seconds: 100)))
        let follower = try RunLogFollower(path: path)
        let modified = follower.lastModified
        // Lines 50 s apart: quiet for up to 100 s is still a run going on; longer, it stopped.
        XCTAssertEqual(RunLogStatus.quietLimit(for: follower.log), 100)
        XCTAssertEqual(follower.status(now: modified.addingTimeInterval(99)), .growing)
        XCTAssertEqual(follower.status(now: modified.addingTimeInterval(101)), .endedWithoutFinal)
        // A run with short gaps still gets the minimum minute.
        var quick = RunLog(path: "q")
        try quick.add(line: Array(MetricsLogLines.evaluation(step: 1, examples: 1, seconds: 1).utf8), number: 1)
        try quick.add(line: Array(MetricsLogLines.evaluation(step: 2, examples: 2, seconds: 3).utf8), number: 2)
        XCTAssertEqual(RunLogStatus.quietLimit(for: quick), 60)
        XCTAssertEqual(RunLogStatus(log: quick, lastModified: modified, now: modified.addingTimeInterval(59)), .growing)
        XCTAssertEqual(RunLogStatus(log: quick, lastModified: modified, now: modified.addingTimeInterval(61)), .endedWithoutFinal)
        try append(MetricsLogLines.file(MetricsLogLines.evaluation(step: 3, examples: 192, seconds: 120, final: true)), to: path)
        follower.poll()
        XCTAssertEqual(follower.status(now: modified.addingTimeInterval(10_000)), .finished)
    }
}
