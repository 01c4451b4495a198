import Foundation
import WdlServe
import WideDeep
import XCTest

/// `POST /v1/predict` through a real socket answers exactly what `wdl predict` (BatchPrediction,
/// the code the command runs) writes for the same rows: the same Float, bit for bit, in the same
/// shortest text, for JSON bodies (values as strings and as JSON numbers, missing keys) and CSV
/// bodies (with and without the header), on the Adult and the Criteo-layout models.
final class PredictEqualityTests: XCTestCase {
    /// `wdl predict`'s output for a file, as its lines.
    private func predicted(_ model: String, _ data: String) throws -> [String] {
        let checkpoint = try LoadedCheckpoint.load(path: model)
        let result = try BatchPrediction.run(checkpoint, dataPath: data, threads: 2)
        XCTAssertEqual(result.skippedRows, 0)
        return result.probabilities.map(\.description)
    }

    /// JSON rows: numeric columns sent as JSON numbers (their text as in the file) in every other
    /// request, as strings otherwise; empty fields left out (missing keys).
    private func jsonBody(_ header: [String], _ rows: ArraySlice<[String]>, numeric: Set<String>, asNumbers: Bool) -> [UInt8] {
        var out = "{\"rows\":["
        for (r, row) in rows.enumerated() {
            if r > 0 { out += "," }
            var fields: [String] = []
            for (name, value) in zip(header, row) where !value.isEmpty {
                let encoded = asNumbers && numeric.contains(name) ? value : "\"\(value)\""
                fields.append("\"\(name)\":\(encoded)")
            }
            out += "{" + fields.joined(separator: ",") + "}"
        }
        return Array((out + "]}").utf8)
    }

    private func check(_ run: TrainedModels.Run, delimiter: Character, header fixed: [String]?, numeric: Set<String>) throws {
        let expected = try predicted(run.final, run.validation)
        let (header, rows) = try TrainedModels.rows(of: run.validation, delimiter: delimiter, header: fixed)
        XCTAssertEqual(rows.count, expected.count)
        let server = try RunningServer(ServeOptions(model: run.final))
        defer { XCTAssertEqual(server.stop(), "stopped") }
        let connection = try LoopbackConnection(port: server.port)

        // JSON: requests of 1,000 rows, then single rows (a batch of one scores the same).
        var got: [String] = []
        var request = 0
        for start in stride(from: 0, to: rows.count, by: 1000) {
            let body = jsonBody(header, rows[start..<min(rows.count, start + 1000)], numeric: numeric, asNumbers: request % 2 == 0)
            let reply = try connection.request("POST", "/v1/predict", body: body)
            XCTAssertEqual(reply.status, 200, reply.text)
            got += reply.probabilityTexts
            request += 1
        }
        XCTAssertEqual(got.count, expected.count)
        XCTAssertEqual(got, expected, "JSON rows score as wdl predict scores the file")
        for i in [0, 1, 17, rows.count - 1] {
            let reply = try connection.request("POST", "/v1/predict", body: jsonBody(header, rows[i...i], numeric: numeric, asNumbers: true))
            XCTAssertEqual(reply.probabilityTexts, [expected[i]])
            XCTAssertEqual(Float(reply.probabilityTexts.first ?? "")?.bitPattern, Float(expected[i])?.bitPattern)
            XCTAssertEqual(reply.model?["file"] as? String, run.final)
        }

        // CSV: the file's own lines, in chunks, with the header (Criteo has none).
        let fileLines = try String(contentsOfFile: run.validation, encoding: .utf8).split(separator: "\n").map(String.init)
        let headerLine = fixed == nil ? [fileLines[0]] : []
        let dataLines = fixed == nil ? Array(fileLines.dropFirst()) : fileLines
        var csvGot: [String] = []
        for start in stride(from: 0, to: dataLines.count, by: 4000) {
            let chunk = headerLine + dataLines[start..<min(dataLines.count, start + 4000)]
            let reply = try connection.request("POST", "/v1/predict", body: Array((chunk.joined(separator: "\n") + "\n").utf8),
                                               contentType: "text/csv")
            XCTAssertEqual(reply.status, 200, reply.text)
            csvGot += reply.probabilityTexts
        }
        XCTAssertEqual(csvGot, expected, "CSV lines score as wdl predict scores the file")
    }

    func testAdultRowsEqualWdlPredictBitForBit() throws {
        try check(TrainedModels.adult, delimiter: ",", header: nil,
                  numeric: ["age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week", "income_label"])
    }

    func testCriteoLayoutRowsEqualWdlPredictBitForBit() throws {
        try check(TrainedModels.criteo, delimiter: "\t", header: ["label"] + DataSchema.criteoNumeric + DataSchema.criteoCategorical,
                  numeric: Set(["label"] + DataSchema.criteoNumeric))
    }

    /// A headerless CSV body gives the model's columns in the order GET /v1/model lists them.
    func testHeaderlessCSVInTheModelsColumnOrder() throws {
        let run = TrainedModels.adult
        let expected = try predicted(run.final, run.validation)
        let (header, rows) = try TrainedModels.rows(of: run.validation, delimiter: ",")
        let server = try RunningServer(ServeOptions(model: run.final))
        defer { server.stop() }
        let described = try LoopbackConnection.request(port: server.port, "GET", "/v1/model")
        XCTAssertEqual(described.status, 200)
        let columns = try XCTUnwrap(described.json?["columns"] as? [String])
        XCTAssertEqual(Set(columns), Set(header).subtracting(["income_label"]))
        let order = columns.map { header.firstIndex(of: $0)! }
        let lines = rows.prefix(300).map { row in order.map { row[$0] }.joined(separator: ",") }
        let reply = try LoopbackConnection.request(port: server.port, "POST", "/v1/predict",
                                                   body: Array((lines.joined(separator: "\n") + "\n").utf8), contentType: "text/csv")
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(reply.probabilityTexts, Array(expected.prefix(300)))
    }
}
