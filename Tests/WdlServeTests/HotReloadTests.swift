import Foundation
import Synchronization
import WdlServe
import WideDeep
import WDLTestSupport
import XCTest

/// Serving a run directory: a newer checkpoint is swapped in once it validates, a broken one is
/// refused and the old model keeps serving, and clients under load see no failed request across
/// either, each answer equal to what the model it names computes.
final class HotReloadTests: XCTestCase {
    /// Places `source` in `directory` as `name` the way wdl saves: a hidden temporary, renamed.
    private func place(_ bytes: [UInt8], as name: String, in directory: String) throws {
        let temporary = directory + "/.\(name).tmp-test"
        try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        XCTAssertEqual(rename(temporary, directory + "/" + name), 0)
    }

    private func metric(_ port: Int, _ series: String) throws -> Double? {
        let text = try LoopbackConnection.request(port: port, "GET", "/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    func testSwapUnderLoadWithZeroFailedRequests() throws {
        let run = TrainedModels.adult
        let first = run.directory + "/step-40.safetensors"
        let folder = try TemporaryFolder()
        let watched = folder.path("watched")
        try FileManager.default.createDirectory(atPath: watched, withIntermediateDirectories: true)
        try place(Array(try Data(contentsOf: URL(fileURLWithPath: first))), as: "step-40.safetensors", in: watched)

        // The request every client sends, and each model's answer to it (as wdl predict computes).
        let (header, rows) = try TrainedModels.rows(of: run.validation, delimiter: ",")
        let sample = Array(rows.prefix(50))
        let csv = ([header.joined(separator: ",")] + sample.map { $0.joined(separator: ",") }).joined(separator: "\n") + "\n"
        let input = try folder.write("sample.csv", csv)
        func expected(_ path: String) throws -> [String] {
            try BatchPrediction.run(try LoadedCheckpoint.load(path: path), dataPath: input, threads: 1).probabilities.map(\.description)
        }
        let before = try expected(first), after = try expected(run.final)
        XCTAssertNotEqual(before, after, "the two checkpoints must differ for the swap to show")
        let body = Array(csv.utf8)

        var options = ServeOptions(model: watched)
        options.pick = .latest
        options.pollInterval = .milliseconds(50)
        options.replicas = 2  // two copies of each model score the four clients' requests
        let server = try RunningServer(options)

        // Clients on their own threads, keep-alive, until told to stop (at most 60 s).
        struct Tally { var ok = 0, failed = 0, onOld = 0, onNew = 0, wrong = 0; var failures: [String] = [] }
        let tally = Mutex(Tally())
        let stop = Atomic<Bool>(false)
        let clients = DispatchGroup()
        let deadline = Date().addingTimeInterval(60)
        for _ in 0..<4 {
            clients.enter()
            Thread.detachNewThread {
                defer { clients.leave() }
                var connection = try? LoopbackConnection(port: server.port)
                while !stop.load(ordering: .relaxed) && Date() < deadline {
                    do {
                        if connection == nil { connection = try LoopbackConnection(port: server.port) }
                        let reply = try connection!.request("POST", "/v1/predict", body: body, contentType: "text/csv")
                        let file = reply.model?["file"] as? String
                        tally.withLock { t in
                            guard reply.status == 200 else { t.failed += 1; t.failures.append("\(reply.status) \(reply.text)"); return }
                            t.ok += 1
                            let got = reply.probabilityTexts
                            if file?.hasSuffix("step-40.safetensors") == true { t.onOld += 1; if got != before { t.wrong += 1 } }
                            else if file?.hasSuffix("final.safetensors") == true { t.onNew += 1; if got != after { t.wrong += 1 } }
                            else { t.wrong += 1 }
                        }
                    } catch {
                        tally.withLock { $0.failed += 1; $0.failures.append("\(error)") }
                        connection = nil
                    }
                }
            }
        }
        func waitFor(_ what: String, _ condition: () throws -> Bool) rethrows {
            let until = Date().addingTimeInterval(30)
            while try !condition() {
                XCTAssertLessThan(Date(), until, "timed out waiting for \(what)")
                if Date() >= until { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        waitFor("load on the first model") { tally.withLock { $0.onOld } >= 20 }

        // A broken newer checkpoint: refused, counted, the old model keeps serving.
        var broken = Array(try Data(contentsOf: URL(fileURLWithPath: run.final)))
        broken[broken.count / 2] ^= 0x40
        try place(broken, as: "step-999.safetensors", in: watched)
        try waitFor("the refusal") { try metric(server.port, "wdl_serve_reloads_total{result=\"failed\"}") == 1 }
        let servedAfterRefusal = tally.withLock { $0.onOld }
        waitFor("more load on the first model") { tally.withLock { $0.onOld } >= servedAfterRefusal + 20 }
        XCTAssertEqual(tally.withLock { $0.onNew }, 0)

        // A good newer one: swapped in while the clients keep sending.
        try place(Array(try Data(contentsOf: URL(fileURLWithPath: run.final))), as: "final.safetensors", in: watched)
        waitFor("the swap") { tally.withLock { $0.onNew } >= 50 }
        stop.store(true, ordering: .relaxed)
        XCTAssertEqual(clients.wait(timeout: .now() + 30), .success)

        let result = tally.withLock { $0 }
        print("hot reload under load: \(result.ok) requests answered (\(result.onOld) by step 40, \(result.onNew) by final), \(result.failed) failed")
        XCTAssertEqual(result.failed, 0, "failed requests: \(result.failures.prefix(3))")
        XCTAssertEqual(result.wrong, 0, "every answer equals the answer of the model it names")
        XCTAssertGreaterThan(result.onOld, 0)
        XCTAssertGreaterThan(result.onNew, 0)
        XCTAssertEqual(try metric(server.port, "wdl_serve_reloads_total{result=\"ok\"}"), 1)
        XCTAssertEqual(try metric(server.port, "wdl_serve_reloads_total{result=\"failed\"}"), 1)
        let healthz = try LoopbackConnection.request(port: server.port, "GET", "/healthz")
        XCTAssertEqual((healthz.model?["file"] as? String).map { $0.hasSuffix("final.safetensors") }, true)
        XCTAssertEqual(server.stop(), "stopped")
    }
}
