import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// The one step body (`trainStep`) with each reduction stage. In a job of one rank the exchange
/// is the identity (each sum starts at zero and adds the one rank's gradients: 0 + x is x, bit
/// for bit), so a one-rank job must step exactly as one process does; and a job's deep
/// optimizer counts steps exactly when a single process's does.
final class StepReductionTests: XCTestCase {
    /// Trains `steps` steps of the tiny problem's 8 rows on a fresh model, with the reduction
    /// `reductions[rank]` on each rank's thread (rank r training rows r, r + ranks, …).
    private func train(_ config: RunConfig, steps: Int, _ reductions: [GradientReduction]) throws -> [ModelState] {
        let ranks = reductions.count
        let (layout, data) = try TinyModel.load(config)
        let models = (0..<ranks).map { _ in WideDeepModel(layout: layout, config: config) }
        let shared = UnsafeSendable((models, data, reductions))
        DispatchQueue.concurrentPerform(iterations: ranks) { rank in
            let (models, data, reductions) = shared.value
            let rows = Array(stride(from: Int32(rank), to: 8, by: ranks))
            let mode = reductions[rank]
            for _ in 0..<steps {
                rows.withUnsafeBufferPointer {
                    _ = models[rank].trainStep(data, rows: $0, threads: 2, firstExample: rank * rows.count, reduction: mode)
                }
            }
        }
        return models.map { $0.captureState() }
    }

    private func exchanges(_ ranks: Int) -> [GradientReduction] {
        InProcessJob(size: ranks).ranks.map { .exchange(GradientExchange(communicator: $0)) }
    }

    func testAOneRankExchangeStepsBitForBitAsOneProcess() throws {
        for deep in [DeepOptimizerName.adagrad, .adam, .sgd] {
            var config = TinyModel.config(wide: .ftrl, deep: deep, lr: 0.1)
            config.model.dropout = 0.25
            let alone = try train(config, steps: 5, [.local])[0]
            let job = try train(config, steps: 5, exchanges(1))[0]
            XCTAssertEqual(job.tensorNames, alone.tensorNames, "\(deep)")
            for name in alone.tensorNames {
                XCTAssertEqual(job.checksum(of: name), alone.checksum(of: name), "\(deep): \(name)")
            }
            XCTAssertEqual(job.deepOptimizerSteps, 5, "\(deep): one optimizer step a minibatch")
        }
    }

    /// The drift the two step bodies had: a wide-only job's deep optimizer counted steps (it has
    /// no parameters to step) where a single process's does not.
    func testAWideOnlyJobsDeepOptimizerTakesNoStepsAsInOneProcess() throws {
        let config = TinyModel.config(wide: .ftrl, mode: .wide)
        let alone = try train(config, steps: 3, [.local])
        let ranks = try train(config, steps: 3, exchanges(2))
        XCTAssertEqual(alone[0].deepOptimizerSteps, 0)
        XCTAssertEqual(ranks.map(\.deepOptimizerSteps), [0, 0])
        XCTAssertEqual(ranks[0].checksum, ranks[1].checksum, "the replicas stay identical")
        let wideAndDeep = try train(TinyModel.config(wide: .ftrl, deep: .adam, lr: 0.1), steps: 3, exchanges(2))
        XCTAssertEqual(wideAndDeep.map(\.deepOptimizerSteps), [3, 3])
    }
}
