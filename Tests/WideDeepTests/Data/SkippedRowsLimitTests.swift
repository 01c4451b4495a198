import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// `data.max_skipped` / `--max-skipped`: more malformed rows than allowed stop the run with the
/// count, the share and the first three reasons.
final class SkippedRowsLimitTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    func testSpellings() {
        XCTAssertEqual(SkippedRowsLimit("0.05"), .fraction(0.05))
        XCTAssertEqual(SkippedRowsLimit("5%"), .fraction(0.05))
        XCTAssertEqual(SkippedRowsLimit("1.0"), .fraction(1))
        XCTAssertEqual(SkippedRowsLimit("250"), .count(250))
        XCTAssertEqual(SkippedRowsLimit("0"), .count(0))
        for bad in ["-1", "1.5", "150%", "abc", "", "nan"] { XCTAssertNil(SkippedRowsLimit(bad), bad) }
    }

    /// 1% of 1,000 rows is 10: ten skipped pass, eleven do not; a count is a count.
    func testTheBoundary() {
        XCTAssertFalse(SkippedRowsLimit.default.isExceeded(skipped: 10, rows: 1000))
        XCTAssertTrue(SkippedRowsLimit.default.isExceeded(skipped: 11, rows: 1000))
        XCTAssertFalse(SkippedRowsLimit.count(3).isExceeded(skipped: 3, rows: 4))
        XCTAssertTrue(SkippedRowsLimit.count(3).isExceeded(skipped: 4, rows: 1_000_000))
        XCTAssertFalse(SkippedRowsLimit.fraction(1).isExceeded(skipped: 99, rows: 100))
        XCTAssertFalse(SkippedRowsLimit.fraction(0).isExceeded(skipped: 0, rows: 100))
        XCTAssertTrue(SkippedRowsLimit.count(5).isExceededAlready(skipped: 6))
        XCTAssertFalse(SkippedRowsLimit.fraction(0.01).isExceededAlready(skipped: 1_000_000), "a share needs the row count")
    }

    /// 200 rows, 6 of them malformed (3%): the in-memory run stops before training, saying so.
    private func runConfig(maxSkipped: SkippedRowsLimit?) throws -> RunConfig {
        var config = try SmallRun.config(in: folder)
        var rows = SmallRun.csv(rows: 194, seed: 5).split(separator: "\n").map(String.init)
        for (i, bad) in ["a1,b1,x,0", "a1,b1", "a1,b1,1,maybe", "a1,b1,,", "a1", "a1,b1,2,"].enumerated() {
            rows.insert(bad, at: 10 + 30 * i)
        }
        config.data.train = try folder.write("lossy.csv", rows.joined(separator: "\n") + "\n")
        if let maxSkipped { config.data.maxSkipped = maxSkipped }
        return config
    }

    func testAnInMemoryRunStopsWithTheCountTheShareAndThreeReasons() throws {
        let config = try runConfig(maxSkipped: nil)
        let message = thrownDescription { _ = try RunData.load(config: config, threads: 1) }
        assertContains(message, "lossy.csv", "6 of 200 rows could not be read (3%)", "more than the 1% allowed",
                       "lossy.csv:11", "lossy.csv:41", "lossy.csv:71", "--max-skipped")
        XCTAssertFalse(message.contains("lossy.csv:101"), "three reasons, not more: \(message)")
    }

    func testTheLimitCanAllowIt() throws {
        let data = try RunData.load(config: try runConfig(maxSkipped: .fraction(0.05)), threads: 1)
        XCTAssertEqual(data.trainSkipped, 6)
        XCTAssertEqual(data.train.count, 194)
        assertContains(thrownDescription { _ = try RunData.load(config: try self.runConfig(maxSkipped: .count(5)), threads: 1) },
                       "6 of 200 rows", "more than the 5 rows allowed")
    }

    /// A streamed run counts as it goes: a count limit stops it during the first pass, a share at
    /// its end; the session fails with the message.
    func testAStreamedRunStopsOnItsFirstPass() throws {
        for limit in [SkippedRowsLimit.count(2), .default] {
            var config = try runConfig(maxSkipped: limit)
            config.data.valid = try folder.write("valid.csv", SmallRun.csv(rows: 100, seed: 6))
            var options = SessionOptions()
            options.stream = StreamOptions()
            let session = TrainingSession(config: config, options: options)
            session.start()
            session.waitUntilFinished()
            let snapshot = session.snapshot
            XCTAssertEqual(snapshot.state, .failed, "\(limit)")
            assertContains(snapshot.stateDetail ?? "", "lossy.csv", "more than the \(limit) allowed", "lossy.csv:11")
            if case .count = limit {
                XCTAssertLessThan(snapshot.examplesSeen, 194, "a count limit stops inside the first pass")
                assertContains(snapshot.stateDetail ?? "", "6 of the first")
            } else {
                XCTAssertEqual(snapshot.examplesSeen, 194, "a share is known at the end of the pass")
                assertContains(snapshot.stateDetail ?? "", "6 of 200 rows could not be read (3%)")
            }
        }
    }

    /// eval and predict refuse the same loss, before writing anything.
    func testEvalAndPredictStopToo() throws {
        var config = try SmallRun.config(in: folder)
        config.train.epochs = 1
        let checkpoint = try LoadedCheckpoint.load(path: SmallRun.trainedCheckpoint(config, folder: folder))
        let lossy = try runConfig(maxSkipped: nil).data.train!
        assertContains(thrownDescription { _ = try CheckpointEvaluation.run(checkpoint, dataPath: lossy, threads: 1, maxSkipped: .default) },
                       "6 of 200 rows could not be read (3%)")
        var emitted = 0
        assertContains(thrownDescription {
            _ = try BatchPrediction.stream(checkpoint, dataPath: lossy, threads: 1, maxSkipped: .default) { emitted += $0.probabilities.count }
        }, "3 of 200 rows could not be read (1.5%)", "lossy.csv:11", "lossy.csv:41", "lossy.csv:131")
        XCTAssertEqual(emitted, 0)
        XCTAssertEqual(try CheckpointEvaluation.run(checkpoint, dataPath: lossy, threads: 1, maxSkipped: .count(6)).skippedRows, 6)
    }

    func testTheConfigKey() throws {
        XCTAssertEqual(try RunConfigLoader.parse("data: {max_skipped: 5%}").data.maxSkipped, .fraction(0.05))
        XCTAssertEqual(try RunConfigLoader.parse("data: {max_skipped: 0.2}").data.maxSkipped, .fraction(0.2))
        XCTAssertEqual(try RunConfigLoader.parse("data: {max_skipped: 250}").data.maxSkipped, .count(250))
        XCTAssertEqual(try RunConfigLoader.parse("data: {}").data.maxSkipped, .fraction(0.01))
        assertContains(thrownDescription { _ = try RunConfigLoader.parse("data:\n  max_skipped: lots\n") }, ":2", "max_skipped")
        // The checkpoint's copy of the config round-trips.
        var config = RunConfig()
        config.data.maxSkipped = .count(7)
        config.data.missing = ["", "?"]
        let decoded = try JSONDecoder().decode(RunConfig.self, from: JSONEncoder().encode(config))
        XCTAssertEqual(decoded.data.maxSkipped, .count(7))
        XCTAssertEqual(decoded.data.missing, ["", "?"])
    }
}
