import Foundation
import WdlServe
import XCTest

/// Requests no client should send get a 4xx with a JSON error naming the row and field (or the
/// line), never a 500 or a dropped connection; stalled senders are cut off in bounded time; the
/// server keeps answering everyone else throughout.
final class HostileRequestTests: XCTestCase {
    private static let limits: ServeOptions = {
        var options = ServeOptions(model: TrainedModels.adult.final)
        options.maxBodyBytes = 1 << 20
        options.maxRows = 1000
        options.bodyTimeout = .seconds(1)
        options.idleTimeout = .seconds(2)
        return options
    }()

    private var server: RunningServer!

    override func setUpWithError() throws { server = try RunningServer(Self.limits) }
    override func tearDown() {
        if let server { XCTAssertEqual(server.stop(), "stopped") }
        server = nil
    }

    private func post(_ body: [UInt8], contentType: String = "application/json",
                      file: StaticString = #filePath, line: UInt = #line) throws -> LoopbackConnection.Reply {
        let connection = try LoopbackConnection(port: server.port)
        let reply = try connection.request("POST", "/v1/predict", body: body, contentType: contentType)
        // The connection still answers (nothing was dropped), unless the server said it closes it.
        if reply.headers["connection"]?.lowercased() != "close" {
            XCTAssertEqual(try connection.request("GET", "/healthz").status, 200, "the connection still serves", file: file, line: line)
        }
        return reply
    }

    private func post(_ text: String, contentType: String = "application/json",
                      file: StaticString = #filePath, line: UInt = #line) throws -> LoopbackConnection.Reply {
        try post(Array(text.utf8), contentType: contentType, file: file, line: line)
    }

    private func assertRefused(_ reply: LoopbackConnection.Reply, status: Int = 400, kind: String, row: Int? = nil, field: String? = nil,
                               line: Int? = nil, file: StaticString = #filePath, fileLine: UInt = #line) {
        XCTAssertEqual(reply.status, status, reply.text, file: file, line: fileLine)
        XCTAssertEqual(reply.headers["content-type"], "application/json", file: file, line: fileLine)
        let error = reply.error
        XCTAssertEqual(error?["kind"] as? String, kind, reply.text, file: file, line: fileLine)
        XCTAssertFalse((error?["message"] as? String ?? "").isEmpty, file: file, line: fileLine)
        XCTAssertEqual(error?["row"] as? Int, row, reply.text, file: file, line: fileLine)
        XCTAssertEqual(error?["field"] as? String, field, reply.text, file: file, line: fileLine)
        XCTAssertEqual(error?["line"] as? Int, line, reply.text, file: file, line: fileLine)
    }

    func testMalformedJSON() throws {
        assertRefused(try post("{\"rows\": [{\"age\": 25,}]}"), kind: "malformed_json", row: 0)
        assertRefused(try post("{\"rows\": [{\"age\": 25}"), kind: "malformed_json")
        assertRefused(try post("{\"rows\": [{\"age\": 25}]} trailing"), kind: "malformed_json")
        assertRefused(try post("[1, 2]"), kind: "malformed_json")
        assertRefused(try post("{\"rows\": [{\"age\": 025}]}"), kind: "malformed_json", row: 0, field: "age")
        assertRefused(try post("{\"rows\": [{\"age\": \"25\", \"age\": 30}]}"), kind: "malformed_json", row: 0, field: "age")
        assertRefused(try post("{\"data\": []}"), kind: "malformed_json")
        assertRefused(try post(""), kind: "empty_body")
        assertRefused(try post("age,workclass\n\n", contentType: "text/csv"), kind: "empty_body")
        let none = try post("{\"rows\": []}")
        XCTAssertEqual(none.status, 200)
        XCTAssertTrue(none.text.hasPrefix("{\"probabilities\":[],\"model\":{"), "no rows: no probabilities; \(none.text)")
    }

    func testWrongTypesNameTheRowAndField() throws {
        assertRefused(try post("{\"rows\": [{\"age\": 30}, {\"age\": true}]}"), kind: "wrong_type", row: 1, field: "age")
        assertRefused(try post("{\"rows\": [{\"workclass\": {\"a\": 1}}]}"), kind: "wrong_type", row: 0, field: "workclass")
        assertRefused(try post("{\"rows\": [{\"workclass\": [\"Private\"]}]}"), kind: "wrong_type", row: 0, field: "workclass")
        assertRefused(try post("{\"rows\": [1]}"), kind: "malformed_json", row: 0)
    }

    func testValuesThatDoNotParseNameTheRowAndField() throws {
        assertRefused(try post("{\"rows\": [{}, {}, {\"age\": \"forty\"}]}"), kind: "invalid_value", row: 2, field: "age")
        assertRefused(try post("{\"rows\": [{\"hours_per_week\": \"1e999\"}]}"), kind: "invalid_value", row: 0, field: "hours_per_week")
        assertRefused(try post("{\"rows\": [{\"occupation\": \"two\\nlines\"}]}"), kind: "invalid_value", row: 0, field: "occupation")
        // CSV: the line of the body.
        let csv = "age,workclass\n30,Private\n31,Private\nthirty,Private\n"
        assertRefused(try post(csv, contentType: "text/csv"), kind: "invalid_value", field: "age", line: 4)
    }

    func testUnknownColumns() throws {
        assertRefused(try post("{\"rows\": [{}, {\"age\": 30, \"salary\": 1}]}"), kind: "unknown_column", row: 1, field: "salary")
        assertRefused(try post("age,salary\n30,1\n", contentType: "text/csv"), kind: "unknown_column", field: "salary", line: 1)
        // The label column is accepted and not read; so are the ignored columns.
        let reply = try post("{\"rows\": [{\"age\": 30, \"income_label\": \"1\", \"fnlwgt\": 5}]}")
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(reply.probabilityTexts.count, 1)
    }

    func testNotUTF8() throws {
        let body = Array("{\"rows\": [{\"workclass\": \"".utf8) + [0xFF, 0xFE] + Array("\"}]}".utf8)
        assertRefused(try post(body), kind: "not_utf8", row: 0, field: "workclass")
        let overlong = Array("{\"rows\": [{\"race\": \"".utf8) + [0xC0, 0xAF] + Array("\"}]}".utf8)
        assertRefused(try post(overlong), kind: "not_utf8", row: 0, field: "race")
        let surrogate = "{\"rows\": [{\"race\": \"\\ud800\"}]}"
        assertRefused(try post(surrogate), kind: "malformed_json", row: 0, field: "race")
    }

    func testHugeBodiesAndTooManyRows() throws {
        // Over the body limit: refused once the limit is passed, with the rest of the body unread.
        let huge = Array("{\"rows\": [".utf8) + [UInt8](repeating: 32, count: 3 << 20) + Array("]}".utf8)
        let started = Date()
        assertRefused(try post(huge), status: 413, kind: "body_too_large")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        // A head that announces more than the limit is refused before any body is read.
        let connection = try LoopbackConnection(port: server.port)
        try connection.send("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n")
        assertRefused(try connection.readReply(), status: 413, kind: "body_too_large")
        XCTAssertTrue(connection.closedByServer(), "the body it announced is not waited for")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        // 10^5 rows, under the byte limit: refused at the first row past --max-rows.
        let many = "{\"rows\": [" + Array(repeating: "{}", count: 100_000).joined(separator: ",") + "]}"
        assertRefused(try post(many), kind: "too_many_rows", row: 1000)
        let manyLines = "age\n" + String(repeating: "30\n", count: 100_000)
        assertRefused(try post(manyLines, contentType: "text/csv"), kind: "too_many_rows")
        XCTAssertEqual(try post("{\"rows\": [" + Array(repeating: "{}", count: 1000).joined(separator: ",") + "]}").probabilityTexts.count, 1000,
                       "exactly the limit is accepted")
    }

    /// `Expect: 100-continue` (curl sends it before large bodies) gets a 100 within the limit, so
    /// the client need not wait; over the limit it gets the 413 at once.
    func testExpectContinue() throws {
        let body = Array("{\"rows\": [{\"age\": 30}]}".utf8)
        let connection = try LoopbackConnection(port: server.port)
        try connection.send("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: \(body.count)\r\n\r\n")
        XCTAssertEqual(try connection.readReply().status, 100)
        try connection.send(body)
        let reply = try connection.readReply()
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(reply.probabilityTexts.count, 1)
        let over = try LoopbackConnection(port: server.port)
        try over.send("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: \(2 << 20)\r\n\r\n")
        assertRefused(try over.readReply(), status: 413, kind: "body_too_large")
    }

    func testOtherMediaTypesAndRoutes() throws {
        assertRefused(try post("<rows/>", contentType: "application/xml"), status: 415, kind: "unsupported_media_type")
        let missing = try LoopbackConnection.request(port: server.port, "GET", "/v2/nothing")
        XCTAssertEqual(missing.status, 404)
    }

    /// Slowloris-style senders: a stalled body gets a 408 after --body-timeout, a stalled head is
    /// closed after the idle timeout; meanwhile other clients are answered at once.
    func testStalledSendersAreCutOffInBoundedTime() throws {
        let stalledBody = try LoopbackConnection(port: server.port)
        try stalledBody.send("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"rows\": [")
        let stalledHead = try LoopbackConnection(port: server.port, timeout: 10)
        try stalledHead.send("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Le")
        let dribbler = try LoopbackConnection(port: server.port)
        try dribbler.send("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")

        let started = Date()
        // Others are served while those three wait.
        for _ in 0..<5 {
            let reply = try LoopbackConnection.request(port: server.port, "POST", "/v1/predict", body: Array("{\"rows\": [{\"age\": 40}]}".utf8))
            XCTAssertEqual(reply.status, 200)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.9, "served at once, before any stalled request is cut off")
        // The dribbler sends a byte every 200 ms: the body deadline still holds.
        for _ in 0..<4 { try? dribbler.send(" "); Thread.sleep(forTimeInterval: 0.2) }
        assertRefused(try stalledBody.readReply(), status: 408, kind: "timeout")
        assertRefused(try dribbler.readReply(), status: 408, kind: "timeout")
        XCTAssertTrue(stalledBody.closedByServer())
        XCTAssertTrue(dribbler.closedByServer())
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        // The head, dribbled a byte every 200 ms, never ends: the idle timeout (2 s) still closes it,
        // since only whole request parts count as activity.
        var dribbledFor = 0.0
        while dribbledFor < 8, (try? stalledHead.send("X")) != nil {
            Thread.sleep(forTimeInterval: 0.2)
            dribbledFor += 0.2
        }
        XCTAssertLessThan(dribbledFor, 8, "the server stopped taking a head that never ends")
        XCTAssertLessThan(Date().timeIntervalSince(started), 6)
        XCTAssertEqual(try LoopbackConnection.request(port: server.port, "GET", "/healthz").status, 200)
    }

    /// Errors are counted by kind on /metrics, and the server answered every request.
    func testMetricsCountErrorsByKind() throws {
        _ = try post("{\"rows\": [{\"salary\": 1}]}")
        _ = try post("{\"rows\": [{\"age\": 30}]}")
        let metrics = try LoopbackConnection.request(port: server.port, "GET", "/metrics")
        XCTAssertEqual(metrics.status, 200)
        XCTAssertTrue(metrics.text.contains("wdl_serve_errors_total{kind=\"unknown_column\"} 1"), metrics.text)
        XCTAssertTrue(metrics.text.contains("wdl_serve_errors_total{kind=\"malformed_json\"} 0"), metrics.text)
        XCTAssertTrue(metrics.text.contains("wdl_serve_rows_scored_total 1"), metrics.text)
        XCTAssertTrue(metrics.text.contains("wdl_serve_requests_total{path=\"/v1/predict\",status=\"400\"} 1"), metrics.text)
        XCTAssertTrue(metrics.text.contains("wdl_serve_requests_total{path=\"/v1/predict\",status=\"200\"} 1"), metrics.text)
        XCTAssertTrue(metrics.text.contains("wdl_serve_request_duration_seconds_count{path=\"/v1/predict\"} 2"), metrics.text)
    }
}
