import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Every change a command makes is logged with who sent it: the event's message names the source
/// and the metrics log's line carries it in `source`.
final class CommandSourceTests: XCTestCase {
    func testEventsAndTheMetricsLogNameWhoSentACommand() throws {
        let folder = try TemporaryFolder()
        let config = try SmallRun.config(in: folder)
        var options = SessionOptions()
        options.metricsPath = folder.path("m.jsonl")
        options.startPaused = true
        options.scheduledCommands = [(step: 0, command: .set(.ftrlL1, 0.5))]
        let session = TrainingSession(config: config, options: options)
        session.start()
        session.send(.set(.deepLearningRate, 0.011), from: .attached("wdl attach, pid 42"))
        session.send(.resume, from: .keyboard)
        session.waitUntilFinished()

        let lines = try String(contentsOfFile: options.metricsPath!, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let changes = records.filter { $0["event"] as? String == "hyperparameter" }
        let bySource = Dictionary(uniqueKeysWithValues: changes.compactMap { r in (r["parameter"] as? String).map { ($0, r) } })
        XCTAssertEqual(bySource["deep_lr"]?["source"] as? String, "attached: wdl attach, pid 42")
        XCTAssertEqual(bySource["deep_lr"]?["to"] as? Double, 0.011)
        XCTAssertEqual(bySource["ftrl_l1"]?["source"] as? String, "schedule")
        let resumed = try XCTUnwrap(records.first { $0["message"] as? String == "resumed (keyboard)" })
        XCTAssertEqual(resumed["source"] as? String, "keyboard")
        // What the run records on its own (the start, evaluations) carries no source.
        let own = records.filter { $0["event"] as? String != "hyperparameter" && $0["message"] as? String != "resumed (keyboard)" }
        XCTAssertGreaterThan(own.count, 2)
        XCTAssertTrue(own.allSatisfy { $0["source"] == nil }, "\(own.filter { $0["source"] != nil })")
        let shown = session.snapshot.events.map(\.message)
        XCTAssertTrue(shown.contains { $0.hasPrefix("deep lr") && $0.hasSuffix("(attached: wdl attach, pid 42)") }, "\(shown)")
    }
}
