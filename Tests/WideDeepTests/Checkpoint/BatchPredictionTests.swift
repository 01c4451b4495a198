import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// `wdl predict`: exactly one output line per input data row, in input order, bad rows as empty
/// lines, the label column optional.
final class BatchPredictionTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    private func lines(of path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("\n"))
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    func testOneLinePerDataRowWithBadRowsEmpty() throws {
        var config = try SmallRun.config(in: folder)
        config.train.epochs = 1
        let checkpoint = try LoadedCheckpoint.load(path: SmallRun.trainedCheckpoint(config, folder: folder))
        // Expected: the model's logits on the labelled validation rows, read the ordinary way.
        let labelled = try SmallRun.validation(config, layout: checkpoint.layout)
        let expected = checkpoint.model.predictAll(labelled, threads: 1).map { Float(BinaryMetrics.sigmoid(Double($0))) }

        // The same rows without the label, with blank lines and two malformed rows inserted.
        var rows = SmallRun.csv(rows: 500, seed: 78, label: false).split(separator: "\n").map(String.init)
        let header = rows.removeFirst()
        var text = header + "\n"
        var wanted: [String] = []
        for (i, row) in rows.enumerated() {
            if i == 10 { text += "a1,b2,not-a-number\n"; wanted.append("") }
            if i == 20 { text += "\n  \n" }
            if i == 30 { text += "a1,b2\n"; wanted.append("") }
            text += row + "\n"
            wanted.append(expected[i].description)
        }
        let input = try folder.write("unlabelled.csv", text)
        let out = folder.path("predictions.txt")
        try folder.write("predictions.txt", "old content\n")

        let result = try BatchPrediction.run(checkpoint, dataPath: input, threads: 2)
        try result.write(to: out)
        XCTAssertEqual(result.dataRows, 502)
        XCTAssertEqual(result.skippedRows, 2)
        // Line 1 is the header: rows 0…9 are lines 2…11, the first bad row line 12; then rows
        // 10…19, two blank lines and rows 20…29 make the second bad row line 35.
        XCTAssertEqual(result.errors.map(\.line), [12, 35])
        let got = try lines(of: out)
        XCTAssertEqual(got.count, 502, "one line per data row, bad rows included, blank lines excluded")
        XCTAssertEqual(got, wanted)
        XCTAssertEqual(got.filter(\.isEmpty).count, 2)
        XCTAssertEqual(Float(got[0]), expected[0], "the shortest form reads back exactly")
        // Written by rename: no temporary file left beside it.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.contains(".tmp-") }, [])

        // With the label column present, the same probabilities.
        let withLabel = try BatchPrediction.run(checkpoint, dataPath: config.data.valid!, threads: 1)
        XCTAssertEqual(withLabel.probabilities, expected)
        XCTAssertEqual(withLabel.skippedRows, 0)
    }

    /// Criteo rows with and without the label column (40 or 39 fields) give the same predictions.
    func testCriteoWithoutLabel() throws {
        let request = CheckpointBenchmark.makeRequest(directory: folder.path("ck"), name: "criteo", hashBuckets: 4096,
                                                      fields: 26, rows: 64, dim: 4)
        let checkpoint = try LoadedCheckpoint.load(path: try Checkpoint.save(request))
        let bytes = SyntheticCTR(seed: 3).generate(rows: 300, threads: 1).bytes
        let labelled = try folder.write("labelled.tsv", bytes: bytes)
        let stripped = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            .map { $0.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)[1] }
            .joined(separator: "\n") + "\n"
        let unlabelled = try folder.write("unlabelled.tsv", stripped)
        let a = try BatchPrediction.run(checkpoint, dataPath: labelled, threads: 1)
        let b = try BatchPrediction.run(checkpoint, dataPath: unlabelled, threads: 1)
        XCTAssertEqual(a.dataRows, 300)
        XCTAssertEqual(a.skippedRows, 0)
        XCTAssertEqual(b.probabilities, a.probabilities)
        XCTAssertGreaterThan(Set(a.probabilities).count, 200, "predictions vary with the rows")
    }

    func testUnreadableInputIsAnError() throws {
        let request = CheckpointBenchmark.makeRequest(directory: folder.path("ck"), name: "criteo", hashBuckets: 64,
                                                      fields: 26, rows: 64, dim: 2)
        let checkpoint = try LoadedCheckpoint.load(path: try Checkpoint.save(request))
        assertContains(thrownDescription { _ = try BatchPrediction.run(checkpoint, dataPath: folder.path("none.tsv"), threads: 1) },
                       "none.tsv", "file not found")
        let empty = try folder.write("empty.tsv", "\n\n")
        assertContains(thrownDescription { _ = try BatchPrediction.run(checkpoint, dataPath: empty, threads: 1) }, "empty")
    }

    /// Streamed in blocks of 1024 scored rows: blocks come in input order, cover every data row
    /// once (unparsed rows as NaN, also at a block's edge and at the end) and match the whole
    /// file scored at once by the model.
    func testStreamedBlocksCoverEveryRowInOrder() throws {
        let request = CheckpointBenchmark.makeRequest(directory: folder.path("ck"), name: "criteo", hashBuckets: 4096,
                                                      fields: 26, rows: 64, dim: 4)
        let checkpoint = try LoadedCheckpoint.load(path: try Checkpoint.save(request))
        let good = String(decoding: SyntheticCTR(seed: 5).generate(rows: 2500, threads: 1).bytes, as: UTF8.self)
            .split(separator: "\n").map(String.init)
        let reference = try folder.write("good.tsv", good.joined(separator: "\n") + "\n")
        var reader = DatasetReader(schema: checkpoint.layout.schema)
        reader.readableRows = 0
        let encoded = FeatureEncoder(layout: checkpoint.layout).encode(try reader.read(path: reference), threads: 1)
        let expected = checkpoint.model.predictAll(encoded, threads: 1).map { Float(BinaryMetrics.sigmoid(Double($0))) }

        // Bad rows right after the first block's 1024 parsed rows, and two at the very end.
        var lines = good
        lines.insert("not\ta\trow", at: 1024)
        lines += ["bad", "also bad"]
        let input = try folder.write("mixed.tsv", lines.joined(separator: "\n") + "\n")
        var blocks: [[Float]] = []
        let result = try BatchPrediction.stream(checkpoint, dataPath: input, threads: 1, blocks: 1) { blocks.append($0.probabilities) }
        XCTAssertEqual(result.dataRows, 2503)
        XCTAssertEqual(result.skippedRows, 3)
        XCTAssertEqual(blocks.map(\.count), [1024, 1025, 452, 2], "the bad row closes the second block; the tail comes last")
        var wanted = expected
        wanted.insert(.nan, at: 1024)
        wanted += [.nan, .nan]
        XCTAssertEqual(blocks.flatMap { $0 }.map(\.bitPattern), wanted.map(\.bitPattern))
    }
}
