import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// `wdl predict --keep-columns`: input columns beside each probability, as CSV with a header or
/// JSON lines, read back with a reference parser written from RFC 4180 (not the reader's).
final class KeptColumnsTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// RFC 4180 by the letter: records end at a line break outside quotes, a quoted field may hold
    /// commas, quotes (doubled) and line breaks. No trimming.
    static func referenceCSV(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, wasQuoted = false
        var scalars = Array(text.unicodeScalars)[...]
        while let c = scalars.popFirst() {
            if quoted {
                if c == "\"" {
                    if scalars.first == "\"" { field.unicodeScalars.append("\""); scalars.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty && !wasQuoted {
                quoted = true; wasQuoted = true
            } else if c == "," {
                record.append(field); field = ""; wasQuoted = false
            } else if c == "\n" {
                record.append(field); records.append(record); record = []; field = ""; wasQuoted = false
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    func testAwkwardValuesSurviveCSVQuoting() throws {
        let values = ["plain", "a,b", "say \"hi\"", " padded ", "line\nbreak", "cr\r\nlf", "", "ünï😀", "\""]
        let output = try PredictionOutput(keptColumns: ["id"], json: false)
        let text = String(decoding: output.header() + output.lines(probabilities: values.map { _ in 0.25 }, keptValues: values), as: UTF8.self)
        let records = Self.referenceCSV(text)
        XCTAssertEqual(records.first, ["id", "probability"])
        XCTAssertEqual(records.dropFirst().map { $0[0] }, values)
        XCTAssertEqual(Set(records.dropFirst().map { $0[1] }), ["0.25"])
    }

    func testJSONLinesParse() throws {
        let values = ["a\"b", "back\\slash", "tab\there", "\u{01}", "ünï"]
        let output = try PredictionOutput(keptColumns: ["id"], json: true)
        XCTAssertEqual(output.header(), [])
        var probabilities: [Float] = values.map { _ in 0.5 }
        probabilities[1] = .nan
        let text = String(decoding: output.lines(probabilities: probabilities, keptValues: values), as: UTF8.self)
        let objects = try text.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.map { $0["id"] as? String }, values)
        XCTAssertEqual(objects[0]["probability"] as? Double, 0.5)
        XCTAssertTrue(objects[1]["probability"] is NSNull, "a row that could not be parsed")
    }

    func testRefusedNames() {
        assertContains(thrownDescription { _ = try PredictionOutput(keptColumns: ["probability"], json: false) }, "'probability'")
        assertContains(thrownDescription { _ = try PredictionOutput(keptColumns: ["id", "id"], json: false) }, "'id' is listed twice")
        XCTAssertEqual(try? PredictionOutput(keptColumns: [], json: false).format, .bare)
    }

    /// End to end on a small model: ids (with a quoted one) beside the same probabilities as the
    /// bare output, a malformed row keeping its id and an empty probability; an unknown column is
    /// an error naming it and the columns there are.
    func testPredictKeepsTheColumnsOfEveryRow() throws {
        var config = try SmallRun.config(in: folder)
        config.train.epochs = 1
        let checkpoint = try LoadedCheckpoint.load(path: SmallRun.trainedCheckpoint(config, folder: folder))
        var rows = SmallRun.csv(rows: 40, seed: 78, label: false).split(separator: "\n").map(String.init)
        rows[0] = "id," + rows[0] + ",note"
        for i in 1..<rows.count { rows[i] = "r\(i)," + rows[i] + (i == 3 ? ",\"x, \"\"y\"\"\"" : ",n\(i)") }
        rows.insert("bad,a1,b1,oops,n", at: 5)
        let input = try folder.write("ids.csv", rows.joined(separator: "\n") + "\n")
        let bare = try BatchPrediction.run(checkpoint, dataPath: input, threads: 1)

        let output = try PredictionOutput(keptColumns: ["id", "note"], json: false)
        var bytes = output.header()
        _ = try BatchPrediction.stream(checkpoint, dataPath: input, threads: 1, keepColumns: output.keptColumns) { block in
            bytes += output.lines(probabilities: block.probabilities, keptValues: block.keptValues)
        }
        let records = Self.referenceCSV(String(decoding: bytes, as: UTF8.self))
        XCTAssertEqual(records.count, 1 + 41)
        XCTAssertEqual(records[0], ["id", "note", "probability"])
        XCTAssertEqual(records[3], ["r3", "x, \"y\"", bare.probabilities[2].description])
        XCTAssertEqual(records[5], ["bad", "n", ""], "the malformed row keeps its place and its ids")
        XCTAssertEqual(records[6][0], "r5")
        for (i, record) in records.dropFirst().enumerated() where i != 4 {
            XCTAssertEqual(record[2], bare.probabilities[i].description, "row \(i)")
        }

        assertContains(thrownDescription {
            _ = try BatchPrediction.stream(checkpoint, dataPath: input, threads: 1, keepColumns: ["ID"]) { _ in }
        }, "ids.csv", "no column 'ID'", "id, a, b, x, note")
    }
}
