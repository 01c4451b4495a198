import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// A streamed job (`--stream` under mpirun): each rank reads its own part of the file.
extension DataParallelTrainingTests {
    /// The small run's rows, each of one byte length, so that halving the data bytes halves the rows.
    static func fixedWidthRows(_ count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let a = Int(generator.next() % 12), b = Int(generator.next() % 5)
            let x = min(9.999, max(-9.999, generator.nextGaussian()))
            let z = (a % 3 == 0 ? 1.0 : -0.5) + ((a + b) % 4 == 0 ? 1.5 : 0) + 0.8 * x
            let y = generator.nextUnit() < 1 / (1 + exp(-z)) ? 1 : 0
            return String(format: "a%02d,b%d,%+.3f,%d\n", a, b, x, y)
        }
    }

    /// Two ranks stream the two halves of the file; step k trains rank 0's k-th 25 rows with rank
    /// 1's k-th 25. One process streaming a file laid out in exactly that order with minibatches
    /// of 50 trains the same minibatches, so the final checkpoints agree to rounding (as for
    /// in-memory jobs, `testTwoRanksMatchOneProcessWithTheJobsBatch`).
    func testStreamedJobRanksReadTheirHalvesAndMatchOneProcessOnTheSameMinibatches() throws {
        let rows = Self.fixedWidthRows(2000, seed: 77)
        var config = try SmallRun.config(in: folder)
        config.data.train = try folder.write("fixed.csv", "a,b,x,y\n" + rows.joined())
        config.train.batchSize = 25
        let halves = try (0..<2).map { try StreamShard.make(path: config.data.train!, rank: $0, ranks: 2, header: true) }
        XCTAssertEqual(halves[1].pieces[0].firstLine, 1002, "rows of one length: the second half starts at row 1,001")
        let snapshots = runJob(config, ranks: 2) { _ in
            var o = SessionOptions()
            o.stream = StreamOptions()
            o.checkpointDirectory = self.folder.path("streamed-job")
            return o
        }
        for s in snapshots {
            XCTAssertEqual(s.state, .finished, s.stateDetail ?? "")
            XCTAssertEqual(s.step, 80, "1,000 rows per rank in steps of 25, two epochs")
            XCTAssertEqual(s.examplesSeen, 4000)
            XCTAssertTrue(replicasIdentical(s), "\(s.events.map(\.message))")
        }

        var interleaved = "a,b,x,y\n"
        for k in 0..<40 { interleaved += (rows[(k * 25)..<(k * 25 + 25)] + rows[(1000 + k * 25)..<(1000 + k * 25 + 25)]).joined() }
        var alone = config
        alone.data.train = try folder.write("interleaved.csv", interleaved)
        alone.train.batchSize = 50
        var one = SessionOptions()
        one.stream = StreamOptions()
        one.checkpointDirectory = folder.path("streamed-one")
        let reference = SmallRun.run(alone, options: one)
        XCTAssertEqual(reference.step, 40 * 2)
        XCTAssertLessThan(try largestRelativeDifference(folder.path("streamed-job/final.safetensors"),
                                                        folder.path("streamed-one/final.safetensors")), 1e-5)
        let job = try XCTUnwrap(snapshots[0].validation.last?.metrics), single = try XCTUnwrap(reference.validation.last?.metrics)
        XCTAssertEqual(job.logloss, single.logloss, accuracy: 1e-5)
    }

    /// The training set as two gzip'd part files of 1,000 rows each: the job's ranks take one
    /// part each, whole, and train what one process trains on the interleaved rows (as for one
    /// plain file cut in halves above).
    func testStreamedJobShardsAcrossCompressedPartsAndMatchesOneProcess() throws {
        let rows = Self.fixedWidthRows(2000, seed: 77)
        var config = try SmallRun.config(in: folder)
        try FileManager.default.createDirectory(atPath: folder.path("parts"), withIntermediateDirectories: true)
        for k in 0..<2 {
            let text = "a,b,x,y\n" + rows[(k * 1000)..<(k * 1000 + 1000)].joined()
            _ = try folder.write("parts/part-\(k).csv.gz", bytes: try CompressedReadBenchmark.gzip(Array(text.utf8), level: 6))
        }
        config.data.train = folder.path("parts")
        config.train.batchSize = 25
        let shards = try (0..<2).map { try StreamShard.make(path: config.data.train!, rank: $0, ranks: 2, header: true) }
        XCTAssertEqual(shards.map { $0.pieces.map { URL(fileURLWithPath: $0.path).lastPathComponent } }, [["part-0.csv.gz"], ["part-1.csv.gz"]])
        let snapshots = runJob(config, ranks: 2) { _ in
            var o = SessionOptions()
            o.stream = StreamOptions()
            o.checkpointDirectory = self.folder.path("parts-job")
            return o
        }
        for s in snapshots {
            XCTAssertEqual(s.state, .finished, s.stateDetail ?? "")
            XCTAssertEqual(s.examplesSeen, 4000)
            XCTAssertTrue(replicasIdentical(s))
        }
        var interleaved = "a,b,x,y\n"
        for k in 0..<40 { interleaved += (rows[(k * 25)..<(k * 25 + 25)] + rows[(1000 + k * 25)..<(1000 + k * 25 + 25)]).joined() }
        var alone = config
        alone.data.train = try folder.write("interleaved-parts.csv", interleaved)
        alone.train.batchSize = 50
        var one = SessionOptions()
        one.stream = StreamOptions()
        one.checkpointDirectory = folder.path("parts-one")
        XCTAssertEqual(SmallRun.run(alone, options: one).step, 80)
        XCTAssertLessThan(try largestRelativeDifference(folder.path("parts-job/final.safetensors"),
                                                        folder.path("parts-one/final.safetensors")), 1e-5)
    }

    /// Parts of unequal length (2,001 rows, one malformed, among 3 ranks) and a part without rows
    /// (a 2-row file among 3 ranks) finish; every row is trained once per epoch and the malformed
    /// row, found by one rank, is counted for the job on every rank.
    func testStreamedJobWithUnevenAndEmptyPartsFinishesAndCountsBadRowsForTheJob() throws {
        for count in [2001, 2] {
            var rows = Self.fixedWidthRows(count, seed: 78)
            if count > 2 { rows[1900] = "a01,b1,not-a-number,1\n" }
            var config = try SmallRun.config(in: folder)
            config.data.train = try folder.write("uneven\(count).csv", "a,b,x,y\n" + rows.joined())
            config.train.batchSize = 40
            let snapshots = runJob(config, ranks: 3) { _ in
                var o = SessionOptions()
                o.stream = StreamOptions()
                return o
            }
            let good = count > 2 ? count - 1 : count
            for s in snapshots {
                XCTAssertEqual(s.state, .finished, "\(count) rows: \(s.stateDetail ?? "")")
                XCTAssertEqual(s.examplesSeen, 2 * good, "\(count) rows")
                XCTAssertEqual(s.skippedRows, count > 2 ? 1 : 0, "\(count) rows")
                XCTAssertTrue(replicasIdentical(s), "\(count) rows")
            }
            if count > 2 {
                let event = snapshots[0].events.first { $0.kind == .skippedRows }
                XCTAssertTrue(event?.message.hasPrefix("skipped 1 malformed rows") ?? false, "\(snapshots[0].events.map(\.message))")
                // The rank that read it names its line in the file: the header, then row 1,901.
                let found = snapshots[2].events.first { $0.kind == .skippedRows }?.message ?? ""
                XCTAssertTrue(found.contains("uneven2001.csv:1902") || found.contains("line 1902"), found)
            }
        }
    }

    /// 20 malformed rows of 1,000 (2%), all in the last rank's part: every rank counts them for
    /// the job and stops at the end of the first pass with the same count and share (none hangs
    /// waiting for another); the rank that read them names their lines.
    func testStreamedJobStopsOnEveryRankWhenTheJobLosesTooManyRows() throws {
        var rows = Self.fixedWidthRows(1000, seed: 79)
        for i in 700..<720 { rows[i] = "a01,b1,not-a-number,1\n" }
        var config = try SmallRun.config(in: folder)
        config.data.train = try folder.write("lossy-job.csv", "a,b,x,y\n" + rows.joined())
        config.train.batchSize = 40
        let snapshots = runJob(config, ranks: 3) { _ in
            var o = SessionOptions()
            o.stream = StreamOptions()
            return o
        }
        for (rank, s) in snapshots.enumerated() {
            XCTAssertEqual(s.state, .failed, "rank \(rank)")
            assertContains(s.stateDetail ?? "", "20 of 1000 rows could not be read (2%)", "more than the 1% allowed")
        }
        assertContains(snapshots[2].stateDetail ?? "", "lossy-job.csv:702")
    }
}
