import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

final class RunConfigLoaderTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    private func loadError(_ yaml: String, name: String = "run.yaml") throws -> (String, String) {
        let path = try folder.write(name, yaml)
        return (thrownDescription { _ = try RunConfigLoader.load(path: path) }, path)
    }

    func testUnknownTopLevelKeyNamesFileAndLine() throws {
        let (message, path) = try loadError("""
            name: x
            data:
              label: y
            trian:
              epochs: 3
            """)
        // Lines are 1-based as in an editor: `trian` is on line 4.
        assertContains(message, path, "\(path):4:", "unknown key 'trian'", "train")
    }

    func testUnknownNestedKeyNamesLineAndKnownKeys() throws {
        let (message, path) = try loadError("""
            # a comment
            optim:
              wide: {alpha: 0.1}
              deep:
                name: adam
                learning_rate: 0.01
            """)
        assertContains(message, "\(path):6:", "unknown key 'learning_rate'", "optim.deep", "lr")
    }

    func testWrongTypeNamesTheKeyAndLine() throws {
        let (message, path) = try loadError("train:\n  epochs: ten\n")
        assertContains(message, "\(path):2:", "train.epochs", "integer")
        let (mode, _) = try loadError("model:\n  mode: wide-and-deep\n", name: "mode.yaml")
        assertContains(mode, "model.mode", "wide | deep | wide-deep")
        let (adam, _) = try loadError("optim:\n  wide: {name: adam}\n", name: "adam.yaml")
        assertContains(adam, "ftrl, adagrad or sgd")
        let (bucket, _) = try loadError("features:\n  buckets: {age: \"quantile:1\"}\n", name: "bucket.yaml")
        assertContains(bucket, "quantile:N")
        let (section, _) = try loadError("train: 5\n", name: "section.yaml")
        assertContains(section, "'train' must be a mapping")
    }

    func testMissingConfigFile() {
        let path = folder.path("nope.yaml")
        assertContains(thrownDescription { _ = try RunConfigLoader.load(path: path) }, path, "not found")
    }

    func testInvalidYAMLNamesTheLine() throws {
        let (message, path) = try loadError("data:\n  label: [unclosed\n")
        assertContains(message, path, "not valid YAML")
    }

    /// `train.tensorboard` is read relative to the config's folder, like the data paths, and is
    /// absent (nil) unless given.
    func testTensorBoardFolderResolvesAgainstTheConfigFolder() throws {
        let path = try folder.write("tb.yaml", "train:\n  tensorboard: runs/tb\n")
        XCTAssertEqual(try RunConfigLoader.load(path: path).train.tensorboard, folder.path("runs/tb"))
        XCTAssertNil(try RunConfigLoader.load(path: try folder.write("none.yaml", "train:\n  epochs: 1\n")).train.tensorboard)
    }

    func testShippedAdultConfigLoadsWithResolvedPaths() throws {
        let config = try RunConfigLoader.load(path: TestPaths.adultConfig)
        let folder = TestPaths.repositoryRoot.appendingPathComponent("sample-data/adult").path
        XCTAssertEqual(config.data.train, folder + "/train.csv")
        XCTAssertEqual(config.data.valid, folder + "/test.csv")
        XCTAssertEqual(config.data.label, "income_label")
        XCTAssertEqual(config.model.mode, .wideDeep)
        XCTAssertEqual(config.model.hidden, [256, 128])
        XCTAssertEqual(config.features.buckets["age"], .boundaries([18, 25, 30, 35, 40, 45, 50, 55, 60, 65]))
        XCTAssertEqual(config.features.crosses.count, 3)
        XCTAssertEqual(config.optim.wide.name, .ftrl)
        XCTAssertEqual(config.optim.deep.name, .adagrad)
        XCTAssertEqual(config.train.seed, 42)
    }

    func testDefaultsAndScalars() throws {
        let config = try RunConfigLoader.parse("""
            data: {positive: yes_click, delimiter: ";"}
            features:
              buckets: {a: "quantile:10", b: [1, 2.5]}
              multi_valued: {genres: "|"}
            """)
        XCTAssertEqual(config.data.positive, ["yes_click"])
        XCTAssertEqual(config.data.delimiter, ";")
        XCTAssertEqual(config.features.buckets["a"], .quantiles(10))
        XCTAssertEqual(config.features.buckets["b"], .boundaries([1, 2.5]))
        XCTAssertEqual(config.features.multiValued, ["genres": "|"])
        XCTAssertEqual(config.train.epochs, 10)
        XCTAssertEqual(config.optim.deep.initialAccumulator, 0.1)
        XCTAssertEqual(try RunConfigLoader.parse(""), RunConfig())
    }

    func testSchemaContradictions() {
        var config = RunConfig()
        config.features.categorical = ["a"]
        config.features.numeric = ["a"]
        assertContains(thrownDescription { _ = try DataSchema(config: config) }, "'a'", "categorical", "numeric")
        config.features.numeric = []
        config.features.multiValued = ["g": "||"]
        assertContains(thrownDescription { _ = try DataSchema(config: config) }, "separator")
    }

    /// A complex key (`? [a, b]`) is refused with its line and what it is, not a dump of Yams'
    /// node structures.
    func testComplexKeyNamesItsLine() throws {
        let (message, path) = try loadError("""
            data:
              ? [a, b]
              : 1
            """)
        assertContains(message, "\(path):2:", "a key must be a name, not a list")
        XCTAssertFalse(message.contains("Yams"), message)
        XCTAssertFalse(message.contains("Node"), message)
    }

    /// Columns named like YAML's null and booleans, quoted as `wdl init` writes every name, are
    /// found as bucket and multi-valued keys (they were "missing key 'null'").
    func testQuotedNullAndBooleanNamesAreColumnNames() throws {
        let config = try RunConfigLoader.parse("""
            data: {format: csv, label: "label"}
            features:
              numeric: ["null", "true", "False"]
              categorical: ["~"]
              buckets: {"null": "quantile:10", "true": [1, 2], "False": "quantile:4"}
              multi_valued: {"yes": "|"}
            """)
        XCTAssertEqual(config.features.buckets.keys.sorted(), ["False", "null", "true"])
        XCTAssertEqual(config.features.buckets["true"], .boundaries([1, 2]))
        XCTAssertEqual(config.features.multiValued, ["yes": "|"])
        XCTAssertEqual(config.features.categorical, ["~"])
        // Quoted and plain spellings of one name are one key: named twice, refused.
        let (twice, path) = try loadError("features:\n  buckets: {\"null\": [1], null: [2]}\n", name: "twice.yaml")
        assertContains(twice, "\(path):2:", "names 'null' twice")
    }

    /// A value of the wrong shape is described in the file's words (what was expected, what is
    /// there), never with Yams' node type names.
    func testWrongShapesAreDescribedWithoutYamsTypes() throws {
        let cases: [(String, [String])] = [
            ("features: {buckets: 5}", ["'features.buckets': expected a mapping", "found '5'"]),
            ("features: {multi_valued: [a]}", ["'features.multi_valued': expected a mapping", "found a list"]),
            ("features: {crosses: 5}", ["'features.crosses': expected a list, found '5'"]),
            ("features: {buckets: {a: {b: 1}}}", ["'features.buckets.a'", "quantile:N"]),
            ("model: {hidden: [a]}", ["'model.hidden[0]': expected an integer, found 'a'"]),
            ("data: {label: [1]}", ["'data.label': expected a single value, found a list"]),
        ]
        for (index, (yaml, expected)) in cases.enumerated() {
            let (message, path) = try loadError(yaml + "\n", name: "shape\(index).yaml")
            for part in [path + ":1:"] + expected { assertContains(message, part) }
            for word in ["Node", "Mapping", "Scalar", "Sequence", "Expected to decode"] {
                XCTAssertFalse(message.contains(word), message)
            }
        }
    }
}
