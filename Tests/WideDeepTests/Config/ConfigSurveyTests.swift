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
    /// (multi-valued), `id` is unique per row (an id: ignored, from 100 sampled rows on).
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
                               "level": .categorical, "genres": .multiValued("|"), "id": .ignored])
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
        XCTAssertEqual(config.features.categorical, ["site", "level"])
        XCTAssertEqual(config.features.ignore, ["id"])
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
        // 20 distinct hex codes (not unique per row, which would make the column an id).
        for i in 0..<100 { rows.append("s\u{0C}\(i % 5),0x\(String(i % 20 + 10, radix: 16)),\(i % 2)") }
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

/// `wdl init` on an Avazu-like export: a unique id, a constant hour (the first rows of a log in time
/// order), codes, a price written with pandas' NA, multi-valued tags.
final class ConfigSurveyAvazuTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// 300 rows. `id`: 19-digit integers, unique; `hour`: 14102100 throughout; `C1`: 1005/1002/1010;
    /// `C14`: 40 codes 15700 + 37k (range 15700…17143: 40 of 1444 integers occur); `banner_pos`
    /// 0/1; `site_id`: 30 hex strings; `price`: 60 prices, "NA" in every 10th row and "\N" in every
    /// 50th; `tags`: 1–3 of 6 members joined by '|' (as joined strings there are more); `const`: x.
    private func avazu(hour: (Int) -> String = { _ in "14102100" }) throws -> String {
        var text = "id,click,hour,C1,banner_pos,site_id,C14,price,tags,const\n"
        for i in 0..<300 {
            let price = i % 50 == 7 ? "\\N" : i % 10 == 3 ? "NA" : "\(Double(i % 60) + 0.25)"
            let tags = (0..<(1 + i % 3)).map { "t\((i + $0 * 2) % 6)" }.joined(separator: "|")
            text += "\(1_000_009_418_151_094_273 + i * 7919),\(i % 5 == 0 ? 1 : 0),\(hour(i)),\([1005, 1002, 1010][i % 3]),"
                + "\(i % 2),\(String(0x1fbe01fe + (i % 30) * 4099, radix: 16)),\(15700 + (i % 40) * 37),\(price),\(tags),x\n"
        }
        try FileManager.default.createDirectory(atPath: folder.path("avazu"), withIntermediateDirectories: true)
        return try folder.write("avazu/train.csv", text)
    }

    func testTheAvazuExport() throws {
        let survey = try ConfigSurvey(path: try avazu(), label: nil)
        let byName = Dictionary(uniqueKeysWithValues: survey.columns.map { ($0.name, $0) })
        XCTAssertEqual(survey.label, "click")
        XCTAssertEqual(byName["id"]?.kind, .ignored)
        assertContains(byName["id"]?.evidence ?? "", "unique per row")
        XCTAssertEqual(byName["const"]?.kind, .ignored)
        assertContains(byName["const"]?.evidence ?? "", "constant ('x' in every row)")
        XCTAssertEqual(survey.timeColumn, "hour", "named hour, 8-digit YYMMDDHH values")
        XCTAssertEqual(byName["hour"]?.kind, .ignored, "the time column splits, it is no feature")
        XCTAssertEqual(byName["C1"]?.kind, .categorical)
        XCTAssertEqual(byName["banner_pos"]?.kind, .categorical)
        XCTAssertEqual(byName["site_id"]?.kind, .categorical)
        XCTAssertEqual(byName["C14"]?.kind, .numeric(log: false))
        assertContains(byName["C14"]?.warning ?? "", "40 of the 1444", "looks like a code")
        XCTAssertNil(byName["price"]?.warning)
        XCTAssertEqual(byName["price"]?.kind, .numeric(log: false), "numeric once NA and \\N are missing")
        XCTAssertEqual(byName["price"]?.missing, ["NA": 30, "\\N": 6])
        XCTAssertEqual(byName["price"]?.distinct, 54, "60 prices less the six (i % 60 = 3, 13, …, 53) that are always NA")
        XCTAssertEqual(byName["tags"]?.kind, .multiValued("|"))
        XCTAssertEqual(byName["tags"]?.distinct, 6, "members, not joined strings")
        let warnings = survey.warnings.joined(separator: "\n")
        assertContains(warnings, "C14:", "ignored: id (unique per row, an id), const (constant in the sample)")
        XCTAssertNil(survey.validationNote(validPath: nil), "the time column splits")
    }

    /// The written config: paths relative to its folder, the split by the time column, the
    /// missing tokens and what was seen; it loads back to the same files.
    func testTheWrittenConfig() throws {
        let data = try avazu()
        let survey = try ConfigSurvey(path: data, label: nil)
        let configFolder = folder.path("configs")
        try FileManager.default.createDirectory(atPath: configFolder, withIntermediateDirectories: true)
        let trainPath = ConfigSurvey.relativePath(of: data, from: configFolder)
        XCTAssertEqual(trainPath, "../avazu/train.csv")
        XCTAssertEqual(ConfigSurvey.relativePath(of: data, from: folder.path("avazu")), "train.csv")
        XCTAssertEqual(ConfigSurvey.relativePath(of: "/no-such-volume/logs/day.csv", from: folder.path("runs")), "/no-such-volume/logs/day.csv",
                       "nothing shared but the root: absolute")
        let yaml = survey.yaml(name: "avazu", trainPath: trainPath)
        assertContains(yaml, "holdout_by: \"hour\"", "price 'NA' ×30, '\\N' ×6", "missing: [\"\", \"NA\", \"NaN\", \"nan\", \"null\", \"NULL\", \"\\\\N\"]")
        XCTAssertFalse(yaml.contains("/tmp"), "no absolute path")
        let path = try folder.write("configs/run.yaml", yaml)
        let config = try RunConfigLoader.load(path: path)
        XCTAssertEqual(config.data.train, URL(fileURLWithPath: data).standardizedFileURL.path)
        XCTAssertEqual(config.data.holdoutBy, "hour")
        XCTAssertNil(config.data.valid)
        XCTAssertEqual(config.data.missing, DataConfig.defaultMissing)
        XCTAssertEqual(config.features.ignore, ["id", "hour", "const"])
        XCTAssertEqual(config.features.numeric, ["C14", "price"])
        XCTAssertEqual(config.features.multiValued, ["tags": "|"])

        let withValid = survey.yaml(name: "avazu", trainPath: trainPath, validPath: "../avazu/valid.csv")
        assertContains(withValid, "valid: \"../avazu/valid.csv\"")
        XCTAssertFalse(withValid.contains("holdout_by:"))
    }

    /// No time column (hour renamed): the last 10% in file order, said in the config and warned.
    func testWithoutATimeColumnTheLastTenthIsWarnedAbout() throws {
        let text = try String(contentsOfFile: try avazu(), encoding: .utf8).replacingOccurrences(of: ",hour,", with: ",slot,")
        let survey = try ConfigSurvey(path: try folder.write("plain.csv", text), label: nil)
        XCTAssertNil(survey.timeColumn)
        assertContains(survey.validationNote(validPath: nil) ?? "", "last 10% of the rows in file order")
        assertContains(survey.yaml(name: "p", trainPath: "plain.csv"), "IN FILE ORDER")
        XCTAssertNil(survey.validationNote(validPath: "v.csv"))
    }

    /// Large integers that rarely repeat (a sampling weight, Adult's fnlwgt) are no code; neither
    /// are small counts.
    func testLargeRarelyRepeatedIntegersAreNoCode() {
        let weights = (0..<300).map { "\(100_000 + ($0 * 7_919) % 900_000 + ($0 % 3))" }
        let column = ConfigSurvey.column("fnlwgt", weights + weights.prefix(20), missing: [""])
        XCTAssertEqual(column.kind, .numeric(log: false))
        XCTAssertNil(column.warning)
        let counts = ConfigSurvey.column("clicks", (0..<300).map { "\($0 % 40)" }, missing: [""])
        XCTAssertNil(counts.warning)
    }

    /// An hour of the day (0…23) is a cycle: not taken for the time line.
    func testAnHourOfTheDayIsNoTimeColumn() throws {
        let survey = try ConfigSurvey(path: try avazu(hour: { "\($0 % 24)" }), label: nil)
        XCTAssertNil(survey.timeColumn)
    }

    /// A run with `holdout_by` holds out the rows of the latest times wherever they are in the file.
    func testARunHoldsOutTheLatestTimes() throws {
        // Times shuffled through the file: 10 days, row i on day (i * 7) % 10.
        let data = try avazu(hour: { "141021\(String(format: "%02d", ($0 * 7) % 10))" })
        var config = RunConfig()
        config.data.train = data
        config.data.label = "click"
        config.data.holdoutBy = "hour"
        config.features.categorical = ["C1", "site_id"]
        config.features.numeric = ["price"]
        config.train.threads = 1
        let run = try RunData.load(config: config, threads: 1)
        XCTAssertEqual(run.valid.count, 30, "day 9's 30 rows: the latest tenth")
        XCTAssertEqual(run.train.count, 270)
        assertContains(run.validDescription, "hour ≥ 14102109")
        // The held-out rows are those of day 9: rows i with (7i) % 10 == 9, i.e. i % 10 == 7.
        // The split itself, on the raw rows: day 9 held out, the rest kept, each in file order.
        var reader = DatasetReader(schema: try DataSchema(config: config))
        reader.holdoutColumn = "hour"
        let raw = try reader.read(path: data)
        let split = try XCTUnwrap(raw.splitByTime(share: 0.1))
        XCTAssertEqual(split.from, 14102109)
        XCTAssertEqual(split.heldOut.holdoutKeys, Array(repeating: 14102109, count: 30))
        XCTAssertEqual(split.kept.holdoutKeys, raw.holdoutKeys.filter { $0 < 14102109 })
        XCTAssertEqual(split.kept.labels, (0..<300).filter { $0 % 10 != 7 }.map { Float($0 % 5 == 0 ? 1 : 0) })

        config.data.train = try avazu()
        assertContains(thrownDescription { _ = try RunData.load(config: config, threads: 1) }, "same time")
    }

    func testTimeKeys() {
        XCTAssertEqual(TimeKey.parse(Array("2026-12-01 10:00:00".utf8)), 20261201100000)
        XCTAssertEqual(TimeKey.parse(Array("14102100".utf8)), 14102100)
        XCTAssertEqual(TimeKey.parse(Array("1733050000.5".utf8)), 1733050000.5)
        XCTAssertNil(TimeKey.parse(Array("Mon".utf8)))
        XCTAssertNil(TimeKey.parse(Array("1234567890123456-1".utf8)), "more digits than a Double holds exactly")
    }
}
