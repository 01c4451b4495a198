import Foundation
import WdlServe
import WideDeep
import WDLTestSupport
import XCTest

/// A JSON value is the field's text as it would stand in a data file: values the CSV reader
/// would split or unquote (the delimiter, a leading quote) are quoted as a file must quote them,
/// spaces around a value are trimmed as in a file, and a multi-valued field given as an array
/// equals the same values joined by its separator. Each checked against `wdl predict` on the file.
final class ValueTextTests: XCTestCase {
    private func predicted(_ checkpoint: LoadedCheckpoint, file text: String, in folder: TemporaryFolder) throws -> [String] {
        let path = try folder.write("rows.csv", text)
        let result = try BatchPrediction.run(checkpoint, dataPath: path, threads: 1)
        XCTAssertEqual(result.skippedRows, 0, "\(result.errors)")
        return result.probabilities.map(\.description)
    }

    private func served(_ port: Int, _ json: String) throws -> [String] {
        let reply = try LoopbackConnection.request(port: port, "POST", "/v1/predict", body: Array(json.utf8))
        XCTAssertEqual(reply.status, 200, reply.text)
        return reply.probabilityTexts
    }

    func testQuotingTrimmingAndQuotesAsInAFile() throws {
        let folder = try TemporaryFolder()
        let checkpoint = try LoadedCheckpoint.load(path: TrainedModels.adult.final)
        let schema = checkpoint.layout.schema
        let columns = schema.categorical + schema.numeric + schema.ignore
        // workclass values as a file holds them, and the JSON string for each.
        let cases: [(file: String, json: String)] = [
            ("\"Pri,vate\"", "Pri,vate"), ("  Private  ", "  Private  "), ("Private", "Private"),
            ("\"\"\"quoted\"\"\"", "\\\"quoted\\\""), ("a\"b", "a\\\"b"), ("\"\"\"  spaced  \"\"\"", "\\\"  spaced  \\\""), ("\"a,b\"", " a,b "),
            ("Self-emp-inc", "Self-emp-inc"),
        ]
        var file = columns.joined(separator: ",") + "\n"
        var rows: [String] = []
        for c in cases {
            file += columns.map { $0 == "workclass" ? c.file : ($0 == "age" ? "45" : "") }.joined(separator: ",") + "\n"
            rows.append("{\"age\": 45, \"workclass\": \"\(c.json)\"}")
        }
        let expected = try predicted(checkpoint, file: file, in: folder)
        let server = try RunningServer(ServeOptions(model: TrainedModels.adult.final))
        defer { server.stop() }
        let got = try served(server.port, "{\"rows\": [" + rows.joined(separator: ",") + "]}")
        XCTAssertEqual(got, expected)
        XCTAssertEqual(got[1], got[2], "spaces around a value are trimmed, as in a file")
        XCTAssertNotEqual(got[2], got[7], "the value is read: another workclass scores otherwise")
    }

    func testMultiValuedFieldAsArrayOrJoinedString() throws {
        let folder = try TemporaryFolder()
        var generator = SeededGenerator(seed: 5)
        var text = "a,tags,x,y\n"
        for _ in 0..<2000 {
            let a = generator.next() % 6, t1 = generator.next() % 5, t2 = generator.next() % 5
            let x = Double(generator.next() % 1000) / 100
            let y = (a + t1) % 3 == 0 ? 1 : 0
            text += "a\(a),t\(t1)|t\(t2),\(x),\(y)\n"
        }
        var config = RunConfig()
        config.name = "multi"
        config.data.train = try folder.write("train.csv", text)
        config.data.valid = config.data.train
        config.data.label = "y"
        config.features.categorical = ["a"]
        config.features.multiValued = ["tags": "|"]
        config.features.numeric = ["x"]
        config.features.hashBuckets = 1 << 12
        config.model.embeddingDim = 4
        config.model.hidden = [8]
        config.train.epochs = 1
        config.train.batchSize = 50
        config.train.evalEvery = 0
        config.train.threads = 1
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("ck")
        let session = TrainingSession(config: config, options: options)
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .finished)
        let path = folder.path("ck") + "/final.safetensors"
        let checkpoint = try LoadedCheckpoint.load(path: path)

        let file = "a,tags,x\na1,t2|t3,1.5\na1,t2|t3,1.5\na1,t2|t3,1.5\na1,,1.5\na1,,1.5\na4,t0,\n"
        let expected = try predicted(checkpoint, file: file, in: folder)
        let server = try RunningServer(ServeOptions(model: path))
        defer { server.stop() }
        let got = try served(server.port, """
            {"rows": [{"a": "a1", "tags": ["t2", "t3"], "x": 1.5}, {"a": "a1", "tags": "t2|t3", "x": "1.5"},
                      {"a": "a1", "tags": ["t2", "", "t3"], "x": 1.5}, {"a": "a1", "tags": [], "x": 1.5},
                      {"a": "a1", "x": 1.5}, {"a": "a4", "tags": ["t0"]}]}
            """)
        XCTAssertEqual(got, expected)
        let refused = try LoopbackConnection.request(port: server.port, "POST", "/v1/predict",
                                                     body: Array("{\"rows\": [{\"tags\": [\"t1|t2\"]}]}".utf8))
        XCTAssertEqual(refused.status, 400)
        XCTAssertEqual(refused.error?["field"] as? String, "tags")
    }
}
