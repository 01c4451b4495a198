import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// `data.missing`: tokens read as the missing value of each kind, exactly as the empty field is.
final class MissingTokenTests: XCTestCase {
    private var config: RunConfig {
        var config = RunConfig()
        config.data.label = "click"
        config.features.categorical = ["site"]
        config.features.multiValued = ["tags": "|"]
        config.features.numeric = ["price"]
        return config
    }

    private let emptyRow = "1,,,\n"

    /// Each default token gives the row the empty row's values: NaN price, the empty site's hash,
    /// the one empty tags value. Nothing is skipped.
    func testEveryDefaultTokenReadsAsTheEmptyField() throws {
        let tokens = DataConfig.defaultMissing.filter { !$0.isEmpty }
        XCTAssertEqual(tokens, ["NA", "NaN", "nan", "null", "NULL", "\\N"])
        var text = "click,site,tags,price\n" + emptyRow
        for token in tokens { text += "0,\(token),\(token),\(token)\n" }
        let data = try readCSV(text, config: config)
        XCTAssertEqual(data.count, 1 + tokens.count)
        XCTAssertEqual(data.skippedRows, 0, data.errors.map(\.description).joined(separator: "\n"))
        let emptySite = StableHash.value(field: "site", "")
        let emptyTag = StableHash.value(field: "tags", "")
        for row in 0..<data.count {
            XCTAssertTrue(data.numeric[row].isNaN, "row \(row)")
            XCTAssertEqual(data.categorical[row], emptySite, "row \(row)")
            XCTAssertEqual(Array(data.multiValues(field: 0, row: row)), [emptyTag], "row \(row)")
        }
    }

    /// A token is a whole field: "NA" inside a value, or a near miss, is a value like any other.
    func testOnlyWholeFieldsAreTokens() throws {
        let data = try readCSV("click,site,tags,price\n1,NAB,a|NA,1.5\n0,na,x,2\n", config: config)
        XCTAssertEqual(data.categorical, [StableHash.value(field: "site", "NAB"), StableHash.value(field: "site", "na")])
        XCTAssertEqual(Array(data.multiValues(field: 0, row: 0)),
                       [StableHash.value(field: "tags", "a"), StableHash.value(field: "tags", "NA")])
        XCTAssertEqual(data.numeric, [1.5, 2])
    }

    /// A schema without the list (a checkpoint saved before it existed) reads as wdl did then:
    /// "NA" is a category of its own and not a number (the row is skipped).
    func testASchemaWithoutTheListKeepsTheOldReading() throws {
        var schema = try DataSchema(config: config)
        schema.missing = nil
        let reader = DatasetReader(schema: schema)
        let data = try reader.parse(bytes: Array("click,site,tags,price\n1,NA,x,1\n0,a,x,NA\n".utf8), file: "old.csv")
        XCTAssertEqual(data.count, 1)
        XCTAssertEqual(data.categorical, [StableHash.value(field: "site", "NA")])
        XCTAssertEqual(data.skippedRows, 1)
        assertContains(data.errors.first?.description ?? "", "old.csv:3", "price", "'NA' is not a number")
    }

    /// The list is a config key; the empty field stays missing whatever it says, and a token the
    /// list no longer names is a value again.
    func testTheConfiguredListIsUsed() throws {
        var custom = config
        custom.data.missing = ["?"]
        let data = try readCSV("click,site,tags,price\n1,?,?,?\n0,NA,x,\n", config: custom)
        XCTAssertEqual(data.categorical, [StableHash.value(field: "site", ""), StableHash.value(field: "site", "NA")])
        XCTAssertTrue(data.numeric[0].isNaN && data.numeric[1].isNaN)
        XCTAssertEqual(try DataSchema(config: custom).missing, ["?"])
    }

    /// A label cannot be missing: without a negative list, "NA" would otherwise be read as 0.
    func testAMissingLabelIsRefusedNotReadAsNegative() throws {
        var open = config
        open.data.positive = ["yes"]
        let data = try readCSV("click,site,tags,price\nyes,a,x,1\nNA,a,x,1\nno,a,x,1\n", config: open)
        XCTAssertEqual(data.labels, [1, 0])
        XCTAssertEqual(data.skippedRows, 1)
        assertContains(data.errors.first?.description ?? "", ":3", "click", "the label is missing ('NA'")
    }

    /// The list is saved with the model (the layout's schema); an older schema JSON decodes to nil.
    func testTheListTravelsWithTheSchema() throws {
        let schema = try DataSchema(config: config)
        let decoded = try JSONDecoder().decode(DataSchema.self, from: JSONEncoder().encode(schema))
        XCTAssertEqual(decoded.missing, ["NA", "NaN", "nan", "null", "NULL", "\\N"])
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(schema)) as? [String: Any])
        object["missing"] = nil
        let old = try JSONDecoder().decode(DataSchema.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertNil(old.missing)
    }

    /// A resumed run reads its data with the checkpoint's tokens, whatever the config says now; a
    /// scalar in the config is a list of one.
    func testAResumedRunKeepsTheCheckpointsTokens() throws {
        let raw = try readCSV("click,site,tags,price\n1,a,x,1\n0,b,y,2\n", config: config)
        var layout = try FeatureLayout.fit(config: config, training: raw)
        layout.schema.missing = nil
        XCTAssertNil(try DataSchema(config: config, resuming: layout).missing)
        layout.schema.missing = ["?"]
        XCTAssertEqual(try DataSchema(config: config, resuming: layout).missing, ["?"])
        XCTAssertEqual(try DataSchema(config: config, resuming: nil).missing, ["NA", "NaN", "nan", "null", "NULL", "\\N"])
        XCTAssertEqual(try RunConfigLoader.parse("data: {missing: NA}").data.missing, ["NA"])
        assertContains(thrownDescription { _ = try RunConfigLoader.parse("data:\n  missing: {a: 1}\n") }, ":2", "data.missing")
    }

    /// The bundled data holds none of the default tokens: read with and without them, every
    /// label, hash and number is the same, bit for bit, so bundled runs are unchanged.
    func testTheBundledDataReadsTheSameWithTheDefaultTokens() throws {
        let config = try RunConfigLoader.load(path: TestPaths.adultConfig)
        XCTAssertEqual(config.data.missing, DataConfig.defaultMissing)
        var before = try DataSchema(config: config)
        before.missing = nil
        let after = try DataSchema(config: config)
        for path in [config.data.train!, config.data.valid!] {
            let old = try DatasetReader(schema: before, threads: 2).read(path: path)
            let new = try DatasetReader(schema: after, threads: 2).read(path: path)
            XCTAssertGreaterThan(new.count, 10_000)
            XCTAssertEqual(old.count, new.count)
            XCTAssertEqual(old.labels, new.labels)
            XCTAssertEqual(old.categorical, new.categorical)
            XCTAssertEqual(old.numeric.map(\.bitPattern), new.numeric.map(\.bitPattern))
            XCTAssertEqual(old.skippedRows, new.skippedRows)
        }
    }
}
