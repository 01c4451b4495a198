import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// `wdl init`'s inference on small hand-made files, each column built to land on one side of a rule.
final class ConfigSurveyTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// 200 rows: `price` has 50 distinct numbers (numeric), `amount` is 0…29 with one 50000 (max over
    /// 100 × the median: heavy-tailed, log), `level` 3 distinct numbers (categorical), `genres` joins values with '|'
    /// (multi-valued), `id` is unique per row but only 200 values (kept categorical: under 1000).
    private func sample(labelName: String = "clicked", yes: String = "1", no: String = "0") throws -> String {
        var text = "site,price,amount,level,genres,id,\(labelName)\n"
        for i in 0..<200 {
            let amount = i == 7 ? "50000" : "\(i % 30)"
            text += "s\(i % 5),\(i % 50).5,\(amount),\(i % 3),a|b\(i % 4),\"id \(i)\",\(i % 4 == 0 ? yes : no)\n"
        }
        return try folder.write("data.csv", text)
    }

    func testColumnKindsAndEvidence() throws {
        let survey = try ConfigSurvey(path: try sample(), label: nil)
        XCTAssertEqual(survey.label, "clicked")
        XCTAssertEqual(survey.labelGuess, "guessed from its name")
        XCTAssertEqual(survey.sampledRows, 200)
        let kinds = Dictionary(uniqueKeysWithValues: survey.columns.map { ($0.name, $0.kind) })
        XCTAssertEqual(kinds, ["site": .categorical, "price": .numeric(log: false), "amount": .numeric(log: true),
                               "level": .categorical, "genres": .multiValued("|"), "id": .categorical])
        let price = try XCTUnwrap(survey.columns.first { $0.name == "price" })
        XCTAssertEqual(price.evidence, "50 distinct values in 200 rows, 100% parse as numbers")
        XCTAssertEqual(survey.columns.first { $0.name == "amount" }?.distinct, 31, "0…29 and 50000")
        XCTAssertEqual(survey.columns.first { $0.name == "id" }?.distinct, 200, "the quoted comma-free value is one field")
    }

    func testLabelValuesTheRarerIsPositive() throws {
        let survey = try ConfigSurvey(path: try sample(labelName: "outcome_flag", yes: "buy", no: "skip"), label: nil)
        XCTAssertEqual(survey.label, "outcome_flag", "no name matches: the last column with two values")
        XCTAssertEqual(survey.labelGuess, "guessed: the last column with exactly two values")
        XCTAssertEqual(survey.positive, "buy", "50 of 200 rows")
        XCTAssertEqual(survey.negative, "skip")
    }

    func testGivenLabelMustExist() throws {
        let path = try sample()
        assertContains(thrownDescription { _ = try ConfigSurvey(path: path, label: "nope") }, path, ":1", "'nope'", "site, price")
        let given = try ConfigSurvey(path: path, label: "clicked")
        XCTAssertNil(given.labelGuess)
    }

    /// The written YAML loads as a run config with the inferred columns.
    func testYAMLLoadsAsARunConfig() throws {
        let data = try sample()
        let survey = try ConfigSurvey(path: data, label: nil)
        let path = try folder.write("run.yaml", survey.yaml(name: "data", trainPath: data))
        let config = try RunConfigLoader.load(path: path)
        XCTAssertEqual(config.data.label, "clicked")
        XCTAssertEqual(config.features.categorical, ["site", "level", "id"])
        XCTAssertEqual(config.features.numeric, ["price", "amount"])
        XCTAssertEqual(config.features.multiValued, ["genres": "|"])
        XCTAssertEqual(config.features.log, ["amount"])
        XCTAssertEqual(config.data.train, data)
    }

    /// `wdl init` refuses what the reader refuses, and reads values as the reader does: a file
    /// with lone-CR line ends (one line to the reader), an unterminated quote; hex numbers are
    /// not numbers to the reader, so they are categories; a form feed inside a value is part of
    /// the value (Swift's isNewline split lines there, the reader does not).
    func testSurveyReadsAsTheReaderDoes() throws {
        var rows = ["site,n,label"]
        for i in 0..<100 { rows.append("s\u{0C}\(i % 5),0x\(String(i, radix: 16)),\(i % 2)") }
        let hex = try folder.write("hex.csv", rows.joined(separator: "\n") + "\n")
        let survey = try ConfigSurvey(path: hex, label: nil)
        XCTAssertEqual(survey.sampledRows, 100, "a form feed does not end a line")
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: survey.columns.map { ($0.name, $0.kind) }),
                       ["site": .categorical, "n": .categorical])
        XCTAssertEqual(ConfigSurvey.number("1.5e3"), 1500)
        for word in ["0x1A", "nan", "inf", "1_000", "1e400"] { XCTAssertNil(ConfigSurvey.number(word), word) }

        let cr = try folder.write("cr.csv", rows.joined(separator: "\r") + "\r")
        assertContains(thrownDescription { _ = try ConfigSurvey(path: cr, label: nil) }, cr, ":1", "carriage return", "LF or CRLF")
        let blankFirst = try folder.write("blank.csv", "\n" + rows.joined(separator: "\n") + "\n")
        assertContains(thrownDescription { _ = try ConfigSurvey(path: blankFirst, label: nil) }, blankFirst, ":1", "the header row is empty")
        let oneLine = try folder.write("one.csv", "a,label")
        assertContains(thrownDescription { _ = try ConfigSurvey(path: oneLine, label: nil) }, oneLine, "at least two data rows")
        let quote = try folder.write("quote.csv", "a,label\nx,1\n\"y,0\nz,1\n")
        assertContains(thrownDescription { _ = try ConfigSurvey(path: quote, label: nil) }, quote, ":3", "unterminated or misplaced quote")
    }

    /// Names with control characters and bidi overrides are written escaped (in the YAML
    /// strings and in the comments), and load back as the same names.
    func testHostileNamesRoundTrip() throws {
        let hostile = "a\u{1B}[31m\u{202E}\u{01}\"\\"
        var text = "\"\(hostile.replacingOccurrences(of: "\"", with: "\"\""))\",label\n"
        for i in 0..<50 { text += "v\(i % 3),\(i % 2)\n" }
        let data = try folder.write("names.csv", text)
        let yaml = try ConfigSurvey(path: data, label: nil).yaml(name: "names", trainPath: data)
        XCTAssertFalse(yaml.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" || $0 == "\u{01}" }, yaml)
        let config = try RunConfigLoader.parse(yaml)
        XCTAssertEqual(config.features.categorical, [hostile])
    }
}
