import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Streamed training (`SessionOptions.stream`) against training from memory.
final class StreamingSessionTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    private func streamed(_ stream: StreamOptions) -> SessionOptions {
        var options = SessionOptions()
        options.stream = stream
        return options
    }

    private func run(_ config: RunConfig, _ options: SessionOptions = SessionOptions(),
                     file: StaticString = #filePath, line: UInt = #line) -> TrainingSnapshot {
        SmallRun.run(config, options: options, file: file, line: line)
    }

    /// The same rows in the same minibatches reach the model, so a streamed run in file order is
    /// bit-identical to an in-memory run without shuffling, whatever the block size (997-byte
    /// blocks hold ~70 rows: nearly every chunk boundary falls inside a minibatch of 50).
    func testStreamInFileOrderEqualsInMemoryWithoutShuffle() throws {
        var config = try StreamingFixtures.config(in: folder)
        config.train.shuffle = false
        config.train.evalEvery = 600
        for threads in [1, 2] {
            config.train.threads = threads
            let memory = run(config)
            XCTAssertEqual(memory.validation.count, 8)
            for blockBytes in [997, 1 << 20] {
                let stream = run(config, streamed(StreamingFixtures.stream(blockBytes: blockBytes)))
                let context = "threads \(threads), blocks of \(blockBytes) bytes"
                XCTAssertEqual(stream.validation, memory.validation, context)
                XCTAssertEqual(stream.trainLoss, memory.trainLoss, context)
                XCTAssertEqual(stream.step, 80, context)
                XCTAssertEqual(stream.examplesSeen, 4000, context)
                XCTAssertEqual(stream.totalExamples, 4000, context)
                XCTAssertFalse(stream.totalExamplesIsEstimate)
            }
        }
    }

    func testShuffleBufferIsSeededAndIndependentOfBlockSize() throws {
        let config = try StreamingFixtures.config(in: folder)
        let first = run(config, streamed(StreamingFixtures.stream(blockBytes: 997, shuffleBuffer: 300)))
        let again = run(config, streamed(StreamingFixtures.stream(blockBytes: 5000, shuffleBuffer: 300)))
        XCTAssertEqual(first.validation, again.validation, "same seed: same order, whatever the blocks")
        XCTAssertEqual(first.trainLoss, again.trainLoss)
        XCTAssertTrue(first.events.contains { $0.message.contains("shuffle buffer of 300 rows") })
        let fileOrder = run(config, streamed(StreamingFixtures.stream(blockBytes: 997)))
        XCTAssertNotEqual(first.validation.last?.metrics, fileOrder.validation.last?.metrics)
        var other = config
        other.train.seed = 43
        let otherSeed = run(other, streamed(StreamingFixtures.stream(blockBytes: 997, shuffleBuffer: 300)))
        XCTAssertNotEqual(otherSeed.trainLoss.first?.loss, nil)
        XCTAssertNotEqual(otherSeed.trainLoss.map(\.loss), first.trainLoss.map(\.loss), "another seed, another order")
    }

    /// Malformed rows are skipped and counted once (not once per epoch), reported with the file
    /// and line, also past the fitting sample and across chunk boundaries.
    func testMalformedRowsAreSkippedWithTheirLines() throws {
        var config = try StreamingFixtures.config(in: folder)
        let path = try XCTUnwrap(config.data.train)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        lines[1500] = "a1,b2,not-a-number,1"  // line 1501 of the file
        lines[1700] = "a1,b2,0.5"             // line 1701
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var stream = StreamingFixtures.stream(blockBytes: 997)
        stream.fitRows = 100
        let snapshot = run(config, streamed(stream))
        XCTAssertEqual(snapshot.skippedRows, 2)
        XCTAssertEqual(snapshot.examplesSeen, 2 * 1998)
        let events = snapshot.events.filter { $0.kind == .skippedRows }
        XCTAssertEqual(events.count, 1, "reported once, after the first pass")
        assertContains(events.first?.message ?? "", "2 malformed rows", path, ":1501", "column 'x'")

        // Strict: the run stops when the reader reaches the bad row, naming it.
        config.train.strict = true
        let session = TrainingSession(config: config, options: streamed(stream))
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        assertContains(session.snapshot.stateDetail ?? "", path, ":1501", "column 'x'", "not a number")
    }

    /// Fitted on the first 300 rows, the row count is an estimate until the first pass ends.
    func testEstimatedTotalBecomesExactAfterTheFirstPass() throws {
        let config = try StreamingFixtures.config(in: folder)
        var stream = StreamingFixtures.stream(blockBytes: 997)
        stream.fitRows = 300
        var options = streamed(stream)
        options.startPaused = true
        let session = TrainingSession(config: config, options: options)
        session.start()
        wait(for: session, "the paused start") { $0.state == .paused }
        let start = session.snapshot
        XCTAssertTrue(start.totalExamplesIsEstimate)
        XCTAssertEqual(Double(start.totalExamples), 4000, accuracy: 400)
        XCTAssertTrue(start.events.contains { $0.message.contains("first 300 rows") && $0.message.contains("~") },
                      start.events.map(\.message).joined(separator: "; "))
        session.send(.resume)
        session.waitUntilFinished()
        let end = session.snapshot
        XCTAssertEqual(end.state, .finished)
        XCTAssertFalse(end.totalExamplesIsEstimate)
        XCTAssertEqual(end.totalExamples, 4000)
        XCTAssertEqual(end.examplesSeen, 4000)
        XCTAssertTrue(end.events.contains { $0.message.contains("first pass over") && $0.message.contains("2000 training rows") })

        // Fitted on the whole (small) file: counted, no estimate.
        let whole = run(config, streamed(StreamingFixtures.stream()))
        XCTAssertTrue(whole.events.contains { $0.message.contains("fitted on all its 2,000 rows") })
    }

    /// A streamed checkpoint taken mid-epoch resumes at the start of that epoch, and says so.
    func testResumingMidEpochRestartsTheEpoch() throws {
        let config = try StreamingFixtures.config(in: folder)
        var options = streamed(StreamingFixtures.stream())
        options.checkpointDirectory = folder.path("ck")
        options.checkpointEvery = 700
        _ = run(config, options)
        var resume = streamed(StreamingFixtures.stream())
        resume.resumePath = folder.path("ck/step-14.safetensors")
        let resumed = run(config, resume)
        let restart = resumed.events.first { $0.message.contains("restarts epoch 1 from the beginning") }
        XCTAssertNotNil(restart, resumed.events.map(\.message).joined(separator: "; "))
        assertContains(restart?.message ?? "", "700 examples")
        XCTAssertEqual(resumed.step, 14 + 80)
        XCTAssertEqual(resumed.examplesSeen, 700 + 4000)
        XCTAssertEqual(resumed.totalExamples, 4700)
    }

    func testStopMidPassAndMissingValidationFile() throws {
        var config = try StreamingFixtures.config(in: folder)
        var options = streamed(StreamingFixtures.stream(blockBytes: 300))
        options.scheduledCommands = [(step: 5, command: .stop)]
        let stopped = run(config, options)
        XCTAssertEqual(stopped.step, 5)
        XCTAssertEqual(stopped.examplesSeen, 250)
        XCTAssertEqual(stopped.validation.last?.step, 5)

        config.data.valid = nil
        let session = TrainingSession(config: config, options: streamed(StreamOptions()))
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        assertContains(session.snapshot.stateDetail ?? "", "--stream needs a validation file")
    }
}
