import Foundation
import WdlServe
import WideDeep
import XCTest

/// GET /healthz, /v1/model and /metrics say what is served; a graceful shutdown (what SIGTERM
/// starts) lets the request in flight finish, then `run` returns.
final class ServerEndpointTests: XCTestCase {
    func testModelHealthAndMetrics() throws {
        let run = TrainedModels.adult
        // A run directory: --pick best (the default) serves its best.safetensors.
        let best = run.directory + "/best.safetensors"
        XCTAssertTrue(FileManager.default.fileExists(atPath: best))
        let checkpoint = try LoadedCheckpoint.load(path: best)
        let server = try RunningServer(ServeOptions(model: run.directory))
        defer { XCTAssertEqual(server.stop(), "stopped") }

        let health = try LoopbackConnection.request(port: server.port, "GET", "/healthz")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.json?["status"] as? String, "ok")
        XCTAssertEqual(health.model?["file"] as? String, best)
        XCTAssertEqual(health.model?["step"] as? Int, checkpoint.step)
        XCTAssertEqual(health.model?["id"] as? String, checkpoint.metadata["metadata_crc32c"])

        let model = try LoopbackConnection.request(port: server.port, "GET", "/v1/model")
        XCTAssertEqual(model.status, 200)
        let json = try XCTUnwrap(model.json)
        XCTAssertEqual(json["step"] as? Int, checkpoint.step)
        XCTAssertEqual(json["examples"] as? Int, checkpoint.examples)
        XCTAssertEqual(json["format"] as? String, "csv")
        XCTAssertEqual((json["config"] as? [String: Any])?["name"] as? String, "adult")
        XCTAssertNotNil(json["feature_layout"] as? [String: Any])
        XCTAssertNotNil(json["hyperparameters"] as? [String: Any])
        XCTAssertEqual(json["columns"] as? [String], checkpoint.layout.schema.categorical + checkpoint.layout.schema.numeric + ["fnlwgt"])

        _ = try LoopbackConnection.request(port: server.port, "POST", "/v1/predict", body: Array("{\"rows\": [{}, {\"age\": 50}]}".utf8))
        let metrics = try LoopbackConnection.request(port: server.port, "GET", "/metrics")
        XCTAssertEqual(metrics.status, 200)
        XCTAssertTrue(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
        let text = metrics.text
        for line in ["# TYPE wdl_serve_requests_total counter", "# TYPE wdl_serve_request_duration_seconds histogram",
                     "wdl_serve_rows_scored_total 2", "wdl_serve_reloads_total{result=\"ok\"} 0",
                     "wdl_serve_requests_total{path=\"/healthz\",status=\"200\"} 1",
                     "wdl_serve_request_duration_seconds_bucket{path=\"/v1/predict\",le=\"+Inf\"} 1"] {
            XCTAssertTrue(text.contains(line), "missing \(line) in\n\(text)")
        }
    }

    func testGracefulShutdownFinishesTheRequestInFlight() throws {
        let server = try RunningServer(ServeOptions(model: TrainedModels.adult.final))
        let body = Array("{\"rows\": [{\"age\": 30}, {\"age\": 60}]}".utf8)
        let inFlight = try LoopbackConnection(port: server.port)
        try inFlight.send("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
        try inFlight.send(Array(body.prefix(10)))
        Thread.sleep(forTimeInterval: 0.2)
        let stopped = DispatchSemaphore(value: 0)
        let outcome = OutcomeBox()
        Thread.detachNewThread { outcome.value = server.stop(); stopped.signal() }
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(stopped.wait(timeout: .now()), .timedOut, "still draining: a request is in flight")
        try inFlight.send(Array(body.dropFirst(10)))
        let reply = try inFlight.readReply()
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(reply.probabilityTexts.count, 2)
        XCTAssertEqual(stopped.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(outcome.value, "stopped")
        XCTAssertThrowsError(try LoopbackConnection.request(port: server.port, "GET", "/healthz"), "no longer listening")
    }
}

private final class OutcomeBox: @unchecked Sendable {
    var value: String?
}
