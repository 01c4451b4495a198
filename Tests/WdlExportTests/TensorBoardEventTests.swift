import Foundation
import XCTest
@testable import WdlExport
@testable import WideDeep
import WDLTestSupport

/// TensorBoard's event records, by hand: the Event message, the TFRecord framing and its CRC
/// mask, and a log's file read back record by record.
final class TensorBoardEventTests: XCTestCase {
    func testScalarEventBytes() {
        let event = TensorBoardEvent(wallTime: 1.5, step: 3, content: .scalars([.init("a", 0.5)]))
        // wall_time (1, fixed64) 1.5 = 0x3FF8_0000_0000_0000; step (2, varint) 3;
        // summary (5, bytes) { value (1, bytes) { tag (1) "a"; simple_value (2, fixed32) 0.5 = 0x3F00_0000 } }.
        let expected: [UInt8] = [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,
                                 0x10, 0x03,
                                 0x2A, 0x0A, 0x0A, 0x08, 0x0A, 0x01, 0x61, 0x15, 0x00, 0x00, 0x00, 0x3F]
        XCTAssertEqual(event.encoded(), expected)
    }

    func testFileVersionEventBytes() {
        let event = TensorBoardEvent(wallTime: 0, step: 0, content: .fileVersion("brain.Event:2"))
        // file_version (3, bytes) of 13 characters.
        let expected: [UInt8] = [0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x00, 0x1A, 0x0D] + Array("brain.Event:2".utf8)
        XCTAssertEqual(event.encoded(), expected)
    }

    /// CRC-32C("123456789") is 0xE3069283 (the standard check value); masked as TensorFlow does,
    /// ((crc >> 15) | (crc << 17)) + 0xA282EAD8 mod 2^32, worked by hand: 0xC78AB0E5.
    func testMaskedCRCOfTheCheckString() {
        XCTAssertEqual(TFRecord.maskedCRC(Array("123456789".utf8)), 0xC78A_B0E5)
    }

    func testRecordFraming() {
        let data = Array("123456789".utf8)
        let record = TFRecord.frame(data)
        XCTAssertEqual(record.count, 8 + 4 + 9 + 4)
        XCTAssertEqual(Array(record[0..<8]), [9, 0, 0, 0, 0, 0, 0, 0], "the length, UInt64 little-endian")
        XCTAssertEqual(Array(record[8..<12]), littleEndian(TFRecord.maskedCRC([9, 0, 0, 0, 0, 0, 0, 0])))
        XCTAssertEqual(Array(record[12..<21]), data)
        XCTAssertEqual(Array(record[21...]), [0xE5, 0xB0, 0x8A, 0xC7], "the masked CRC of the data, little-endian")
    }

    /// A log's file: the version record first, then one record per evaluation, each intact.
    func testLogWritesVersionThenOneRecordPerEvaluation() throws {
        let folder = try TemporaryFolder()
        let log = try TensorBoardLog(directory: folder.path("tb"))
        XCTAssertTrue((log.path as NSString).lastPathComponent.hasPrefix("events.out.tfevents."))
        log.add(figures: ["step": 10, "train_logloss": 0.5, "valid_auc": 0.75], step: 10, wallTime: 100)
        log.add(figures: ["step": 20, "train_logloss": 0.25], step: 20, wallTime: 101)
        log.flush()
        XCTAssertNil(log.failure)
        let records = try readRecords(log.path)
        XCTAssertEqual(records.count, 3)
        let created = decodeWallTime(records[0])
        XCTAssertEqual(created, Date().timeIntervalSince1970, accuracy: 60)
        XCTAssertEqual(records[0], TensorBoardEvent(wallTime: created, step: 0, content: .fileVersion("brain.Event:2")).encoded())
        // The debiased average of 0.5 then 0.25 with weight 0.6: (0.4·0.5·0.6 + 0.4·0.25) / (1 − 0.36) = 0.34375.
        XCTAssertEqual(records[2], TensorBoardEvent(wallTime: 101, step: 20, content: .scalars([
            .init("train/loss", 0.25), .init("train/loss_smoothed", 0.34375),
        ])).encoded())
        XCTAssertEqual(records[1], TensorBoardEvent(wallTime: 100, step: 10, content: .scalars([
            .init("train/loss", 0.5), .init("valid/auc", 0.75), .init("train/loss_smoothed", 0.5),
        ])).encoded())
    }

    /// The test set's figures get their own `test/…` tags: from the live run's test record, and
    /// from the `test_*` keys of a metrics log's final record (the same tags either way).
    func testTestFiguresHaveTestTags() throws {
        let folder = try TemporaryFolder()
        let log = try TensorBoardLog(directory: folder.path("tb"))
        let metrics = EvaluationMetrics(count: 100, logloss: 0.25, auc: 0.75, accuracy: 0.5, meanPrediction: 0.125, positiveRate: 0.25)
        log.add(test: RunRecord.Test(step: 40, file: "test.csv", metrics: metrics))
        log.flush()
        let records = try readRecords(log.path)
        XCTAssertEqual(records.count, 2)
        let expected: [TensorBoardEvent.Scalar] = [
            .init("test/logloss", 0.25), .init("test/auc", 0.75), .init("test/accuracy", 0.5),
            .init("test/mean_prediction", 0.125), .init("test/positive_rate", 0.25),
        ]
        XCTAssertEqual(records[1], TensorBoardEvent(wallTime: decodeWallTime(records[1]), step: 40, content: .scalars(expected)).encoded())
        var scalars = TensorBoardScalars()
        let converted = scalars.scalars(of: ["valid_auc": 0.5, "test_auc": 0.75, "test_logloss": 0.25])
        XCTAssertEqual(converted.map(\.tag), ["valid/auc", "test/logloss", "test/auc"])
    }

    /// `wdl export --tensorboard`: one record per evaluation line, events skipped; a bad line is
    /// an error naming the file and line.
    func testMetricsLogConversion() throws {
        let folder = try TemporaryFolder()
        let log = try folder.write("m.jsonl", """
            {"event":"started","message":"go","step":0,"seconds":0}
            {"step":5,"seconds":1,"train_logloss":0.5,"valid_auc":null,"deep_lr":0.05}
            {"step":9,"seconds":2,"train_logloss":0.25,"final":true}

            """)
        let (path, evaluations, skippedCutLine) = try TensorBoardLog.convert(metricsLog: log, into: folder.path("tb"))
        XCTAssertEqual(evaluations, 2)
        XCTAssertFalse(skippedCutLine)
        let records = try readRecords(path)
        XCTAssertEqual(records.count, 3)
        let start = decodeWallTime(records[2]) - 2
        XCTAssertEqual(records[1], TensorBoardEvent(wallTime: start + 1, step: 5, content: .scalars([
            .init("train/loss", 0.5), .init("train/loss_smoothed", 0.5), .init("hyperparameters/deep_lr", 0.05),
        ])).encoded(), "null (a non-finite value) is left out")
        let bad = try folder.write("bad.jsonl", "{\"step\":1}\nnot json\n")
        assertContains(thrownDescription { _ = try TensorBoardLog.convert(metricsLog: bad, into: folder.path("tb2")) },
                       "bad.jsonl", ":2", "not a JSON object")
    }

    /// Logs `wdl view` reads are converted: CRLF line ends, and a last line cut mid-write
    /// (left out and said); a cut line that is not last is still an error.
    func testMetricsLogWithCRLFAndACutLastLine() throws {
        let folder = try TemporaryFolder()
        let crlf = try folder.write("crlf.jsonl", "{\"step\":5,\"seconds\":1,\"train_logloss\":0.5}\r\n{\"step\":9,\"seconds\":2}\r\n")
        let converted = try TensorBoardLog.convert(metricsLog: crlf, into: folder.path("tb"))
        XCTAssertEqual(converted.evaluations, 2)
        XCTAssertFalse(converted.skippedCutLine)
        let cut = try folder.write("cut.jsonl", "{\"step\":5,\"seconds\":1}\n{\"step\":9,\"seco")
        let partial = try TensorBoardLog.convert(metricsLog: cut, into: folder.path("tb2"))
        XCTAssertEqual(partial.evaluations, 1)
        XCTAssertTrue(partial.skippedCutLine)
        // A whole last record without its newline is kept.
        let unterminated = try folder.write("whole.jsonl", "{\"step\":5}\n{\"step\":9}")
        XCTAssertEqual(try TensorBoardLog.convert(metricsLog: unterminated, into: folder.path("tb3")).evaluations, 2)
        let inner = try folder.write("inner.jsonl", "{\"step\":5,\"sec\n{\"step\":9}\n")
        assertContains(thrownDescription { _ = try TensorBoardLog.convert(metricsLog: inner, into: folder.path("tb4")) },
                       "inner.jsonl", ":1", "not a JSON object")
    }

    /// Splits a TFRecord file, checking both CRCs of every record.
    private func readRecords(_ path: String) throws -> [[UInt8]] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var records: [[UInt8]] = []
        var i = 0
        while i < bytes.count {
            let lengthBytes = Array(bytes[i..<i + 8])
            let length = lengthBytes.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            XCTAssertEqual(Array(bytes[i + 8..<i + 12]), littleEndian(TFRecord.maskedCRC(lengthBytes)))
            let data = Array(bytes[i + 12..<i + 12 + length])
            XCTAssertEqual(Array(bytes[i + 12 + length..<i + 16 + length]), littleEndian(TFRecord.maskedCRC(data)))
            records.append(data)
            i += 16 + length
        }
        return records
    }

    private func decodeWallTime(_ record: [UInt8]) -> Double {
        Double(bitPattern: record[1..<9].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) })
    }

    private func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// A TensorBoard folder that cannot be made (a plain file stands in its path) names the folder.
    func testATensorBoardFolderThatCannotBeMadeIsAnOutputError() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("plain", "x")
        XCTAssertThrowsError(try TensorBoardLog(directory: file + "/tb")) { error in
            guard let error = error as? OutputError else { return XCTFail("\(type(of: error)): \(error)") }
            XCTAssertEqual(error.path, file + "/tb")
            XCTAssertTrue(error.description.hasPrefix("\(file)/tb: cannot create the TensorBoard folder"), error.description)
            XCTAssertFalse(error.description.contains("NSCocoaErrorDomain"), "Foundation's generic text adds nothing: \(error)")
        }
    }
}
