import Foundation
import XCTest
import SafeTensors
@testable import WideDeep
import WDLTestSupport

/// Exact resume: with one thread, a run saved at step k and resumed ends exactly where an
/// uninterrupted run ends — same losses after k, same metrics, same tensors.
final class CheckpointResumeTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    private func losses(_ snapshot: TrainingSnapshot) -> [Int: Double] {
        Dictionary(uniqueKeysWithValues: snapshot.trainLoss.map { ($0.step, $0.loss) })
    }

    func testStopAtStepKAndResumeEqualsAnUninterruptedRun() throws {
        for deep in [DeepOptimizerName.adagrad, .adam] {
            let config = try SmallRun.config(in: folder, deep: deep)
            var plain = SessionOptions()
            plain.checkpointDirectory = folder.path("\(deep)-plain")
            let uninterrupted = SmallRun.run(config, options: plain)
            XCTAssertEqual(uninterrupted.step, 80)

            // k = 25 is inside epoch 0, k = 55 inside epoch 1 (40 steps per epoch).
            for k in [25, 55] {
                var first = SessionOptions()
                first.checkpointDirectory = folder.path("\(deep)-\(k)-a")
                first.scheduledCommands = [(step: k, command: .saveCheckpoint), (step: k + 5, command: .stop)]
                let stopped = SmallRun.run(config, options: first)
                XCTAssertEqual(stopped.step, k + 5)
                let saved = first.checkpointDirectory! + "/step-\(k).safetensors"
                XCTAssertEqual(try LoadedCheckpoint.load(path: saved).step, k)

                var second = SessionOptions()
                second.resumePath = saved
                second.checkpointDirectory = folder.path("\(deep)-\(k)-b")
                let resumed = SmallRun.run(config, options: second)
                XCTAssertEqual(resumed.step, 80)
                XCTAssertEqual(resumed.examplesSeen, 4000)
                XCTAssertEqual(resumed.validation.last?.metrics, uninterrupted.validation.last?.metrics, "\(deep), k = \(k)")
                let a = losses(resumed), b = losses(uninterrupted)
                XCTAssertEqual(a.keys.sorted(), Array((k + 1)...80))
                for step in (k + 1)...80 { XCTAssertEqual(a[step], b[step], "\(deep), k = \(k): loss of step \(step)") }
                let end = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: second.checkpointDirectory! + "/final.safetensors"))
                let reference = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: plain.checkpointDirectory! + "/final.safetensors"))
                XCTAssertEqual(end.tensors, reference.tensors, "\(deep), k = \(k): every final tensor")
                XCTAssertEqual(end.metadata["rng_state"], reference.metadata["rng_state"])
            }
        }
    }
}
