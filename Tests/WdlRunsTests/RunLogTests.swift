import Foundation
import WDLTestSupport
import XCTest
@testable import WdlRuns
@testable import WideDeep

/// Reading metrics-log lines into a `RunLog`: the figures as written, nulls as nil, markers, and
/// bad lines refused with the file and line.
final class RunLogTests: XCTestCase {
    private func log(_ lines: [String], path: String = "/runs/a.jsonl") throws -> RunLog {
        var log = RunLog(path: path)
        for (index, line) in lines.enumerated() { try log.add(line: Array(line.utf8), number: index + 1) }
        return log
    }

    func testReadsStartEvaluationsAndBest() throws {
        let log = try self.log([
            MetricsLogLines.start(run: "adult", lr: "0.02"),
            MetricsLogLines.evaluation(step: 10, examples: 640, seconds: 2, train: "0.61", auc: "0.81",
                                       logloss: "0.45", accuracy: "0.79",
                                       best: ("logloss", "0.81", "0.45", 10)),
            MetricsLogLines.evaluation(step: 20, examples: 1280, seconds: 5, train: "0.52", auc: "0.84",
                                       logloss: "0.47", accuracy: "0.8",
                                       best: ("logloss", "0.81", "0.45", 10), final: true),
        ])
        XCTAssertEqual(log.name, "adult")
        XCTAssertEqual(log.config["optim.deep.lr"], "0.02")
        XCTAssertEqual(log.config["model.hidden"], "[256, 128]")
        XCTAssertEqual(log.config["train.shuffle"], "true")
        XCTAssertEqual(log.evaluations.count, 2)
        let first = log.evaluations[0]
        XCTAssertEqual(first.step, 10)
        XCTAssertEqual(first.examples, 640)
        XCTAssertEqual(first.trainLogloss, 0.61)
        XCTAssertEqual(first.validAUC, 0.81)
        XCTAssertEqual(first.validLogloss, 0.45)
        XCTAssertEqual(first.validAccuracy, 0.79)
        XCTAssertEqual(first.ranks, 2)
        XCTAssertEqual(first.batch, 128)
        XCTAssertFalse(first.final)
        XCTAssertEqual(log.final?.step, 20)
        // The log's best, not one worked out here: logloss judged, step 10 (not the last, 20).
        XCTAssertEqual(log.latest?.best, RunLog.Best(metric: "logloss", auc: 0.81, logloss: 0.45, step: 10))
        XCTAssertEqual(log.latest?.best?.value, 0.45)
        XCTAssertEqual(log.examples, 1280)
        // Lines at 0 s, 2 s, 5 s: the longest gap is 3 s.
        XCTAssertEqual(log.longestGap, 3)
    }

    /// An `end` line (a run that diverged or failed) ends the run for its readers: its state is
    /// the line's, not a guess from the file's quiet time.
    func testAnEndLineEndsTheRunWithItsState() throws {
        let log = try self.log([
            MetricsLogLines.start(run: "adult", lr: "0.02"),
            #"{"event":"end","state":"diverged","message":"training loss became nan at step 7","step":7,"epoch":0,"examples":448,"seconds":1.5}"#,
        ])
        XCTAssertEqual(log.ending, RunLog.Ending(state: "diverged", message: "training loss became nan at step 7"))
        XCTAssertEqual(RunLogStatus(log: log, lastModified: Date(), now: Date()), .ended("diverged"))
        let running = try self.log([MetricsLogLines.start(run: "adult", lr: "0.02")])
        XCTAssertEqual(RunLogStatus(log: running, lastModified: Date(), now: Date()), .growing)
    }

    func testNullFiguresAreNil() throws {
        let log = try self.log([MetricsLogLines.evaluation(step: 1, examples: 64, train: "null", auc: "null")])
        XCTAssertNil(log.evaluations[0].trainLogloss)
        XCTAssertNil(log.evaluations[0].validAUC)
        XCTAssertEqual(log.evaluations[0].validLogloss, 0.4)
    }

    func testMarksChangesCheckpointsAndRollbacksOnly() throws {
        let log = try self.log([
            MetricsLogLines.start(),
            MetricsLogLines.event("info", step: 0, examples: 0),
            MetricsLogLines.hyperparameterChange(step: 5, examples: 320),
            MetricsLogLines.event("checkpoint", step: 8, examples: 512, message: "saved"),
            MetricsLogLines.event("divergence", step: 9, examples: 576),
            MetricsLogLines.event("rollback", step: 9, examples: 576),
            "",
        ])
        XCTAssertEqual(log.markers.map(\.kind), [.hyperparameter, .checkpoint, .rollback])
        XCTAssertEqual(log.markers.map(\.examples), [320, 512, 576])
        XCTAssertEqual(log.markers[0].message, "deep lr 0.02 → 0.05")
        XCTAssertTrue(log.evaluations.isEmpty)
        XCTAssertEqual(log.examples, 576)
    }

    func testWithoutStartRecordTheFileNamesTheRun() throws {
        let log = try self.log([MetricsLogLines.evaluation(step: 1, examples: 64)], path: "/tmp/x/b-run.jsonl")
        XCTAssertEqual(log.name, "b-run.jsonl")
    }

    func testBadLinesNameFileLineAndKey() {
        let cases: [(line: String, message: String)] = [
            ("not json", "not a JSON object"),
            ("[1, 2]", "not a JSON object"),
            (#"{"step": 3}"#, #"a record without "examples""#),
            (#"{"step": 3, "examples": "many"}"#, #""examples" is not a number"#),
            (#"{"step": 3.5, "examples": 10}"#, #""step" is not a whole number"#),
            (#"{"step": 3, "examples": 10, "valid_auc": true}"#, #""valid_auc" is not a number"#),
            (#"{"step": 3, "examples": 10, "final": 1}"#, #""final" is not true or false"#),
            (#"{"event": 7}"#, #""event" is not a string"#),
            (#"{"event": "checkpoint", "step": 2}"#, #"a record without "examples""#),
        ]
        for (line, message) in cases {
            var log = RunLog(path: "runs/a.jsonl")
            XCTAssertNoThrow(try log.add(line: Array(MetricsLogLines.start().utf8), number: 1))
            do {
                try log.add(line: Array(line.utf8), number: 2)
                XCTFail("accepted \(line)")
            } catch {
                XCTAssertEqual(error, DataError(file: "runs/a.jsonl", line: 2, message), line)
                XCTAssertEqual(error.description, "runs/a.jsonl:2: \(message)")
            }
        }
    }

    func testDistinctNames() throws {
        func named(_ run: String?, _ path: String) throws -> RunLog {
            var log = RunLog(path: path)
            if let run { try log.add(line: Array(MetricsLogLines.start(run: run).utf8), number: 1) }
            return log
        }
        // Different names stay as they are.
        XCTAssertEqual(RunLog.distinctNames([try named("a", "/r/1.jsonl"), try named("b", "/r/2.jsonl")]), ["a", "b"])
        // A shared name gets the file name.
        XCTAssertEqual(RunLog.distinctNames([try named("adult", "/r/lr02.jsonl"), try named("adult", "/r/lr05.jsonl"),
                                             try named("other", "/r/o.jsonl")]),
                       ["adult (lr02.jsonl)", "adult (lr05.jsonl)", "other"])
        // Same name and file name: the folder tells them apart.
        XCTAssertEqual(RunLog.distinctNames([try named(nil, "/r/one/m.jsonl"), try named(nil, "/r/two/m.jsonl")]),
                       ["one/m.jsonl", "two/m.jsonl"])
        // The same file twice: numbered.
        XCTAssertEqual(RunLog.distinctNames([try named("a", "/r/x.jsonl"), try named("a", "/r/x.jsonl")]),
                       ["a (r/x.jsonl) #1", "a (r/x.jsonl) #2"])
    }
}

extension RunLogTests {
    func testConfigDifferencesNameOnlyWhatDiffers() throws {
        func started(_ lr: String, path: String) throws -> RunLog {
            var log = RunLog(path: path)
            try log.add(line: Array(MetricsLogLines.start(run: "adult", lr: lr).utf8), number: 1)
            return log
        }
        let logs = [try started("0.02", path: "a"), try started("0.05", path: "b"), RunLog(path: "c")]
        // Only optim.deep.lr differs between the two start records; the log without one says nothing.
        XCTAssertEqual(RunLog.configDifferences(logs), ["deep.lr 0.02", "deep.lr 0.05", ""])
        XCTAssertEqual(RunLog.configDifferences([try started("0.02", path: "a"), try started("0.02", path: "b")]), ["", ""])
        XCTAssertEqual(RunLog.configDifferences([try started("0.02", path: "a")]), [""])
    }
}
