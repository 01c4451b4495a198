import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// The dropout masks: their statistics, and that they are a function of the example's place in
/// the job's minibatch alone (not of how the rows are split among ranks or threads).
final class DropoutTests: XCTestCase {
    private let seed: UInt64 = 0x5EED

    /// `values` through `Dropout.apply`, as rows `first…` of the job's minibatch.
    private func dropped(_ values: [Float], units: Int, rate: Double, step: Int = 3, layer: Int = 0,
                         firstExample: Int = 0, threads: Int = 1) -> [Float] {
        var y = values
        y.withUnsafeMutableBufferPointer { y in
            Dropout.apply(y.baseAddress!, batch: values.count / units, units: units, rate: rate, seed: seed, step: step,
                          layer: layer, firstExample: firstExample, threads: threads)
        }
        return y
    }

    /// Over n = 262,144 units the kept count is Binomial(n, 1 − p): within 5 standard deviations
    /// of n(1 − p) (a false alarm has probability below 10⁻⁶). Kept units are scaled by exactly
    /// 1/(1 − p), dropped ones are 0. Two steps' masks, and a unit and its neighbour, are
    /// independent: both are kept in a fraction (1 − p)² of the units, within the same bound.
    func testKeptFractionIsBinomialAndKeptUnitsAreScaled() {
        let units = 64, batch = 4096, n = units * batch
        for rate in [0.1, 0.3, 0.5, 0.9] {
            let keep = 1 - rate
            let ones = [Float](repeating: 1, count: n)
            let y = dropped(ones, units: units, rate: rate)
            let scale = Float(1 / keep)
            XCTAssertTrue(y.allSatisfy { $0 == 0 || $0 == scale }, "rate \(rate): kept units are scaled by 1/(1−p)")
            let kept = y.map { $0 != 0 }
            func assertBinomial(_ count: Int, _ p: Double, trials: Int, _ what: String) {
                let sd = (Double(trials) * p * (1 - p)).squareRoot()
                XCTAssertLessThan(abs(Double(count) - Double(trials) * p), 5 * sd,
                                  "rate \(rate), \(what): \(count) of \(trials), expected \(Double(trials) * p)")
            }
            assertBinomial(kept.count(where: { $0 }), keep, trials: n, "kept")
            let nextStep = dropped(ones, units: units, rate: rate, step: 4).map { $0 != 0 }
            assertBinomial(zip(kept, nextStep).count(where: { $0 && $1 }), keep * keep, trials: n, "kept at two steps")
            let otherLayer = dropped(ones, units: units, rate: rate, layer: 1).map { $0 != 0 }
            assertBinomial(zip(kept, otherLayer).count(where: { $0 && $1 }), keep * keep, trials: n, "kept in two layers")
            let pairs = stride(from: 0, to: n, by: 2).count(where: { kept[$0] && kept[$0 + 1] })
            assertBinomial(pairs, keep * keep, trials: n / 2, "neighbours kept")
        }
    }

    /// Every unit of every example is kept or dropped as `Dropout.keeps` says for that example's
    /// place in the job's minibatch: the job's 100 rows in one call, split 50/50 (two ranks) or
    /// 34/33/33 (three ranks, as `Communicator.share` splits them), with 1 or 4 threads (a batch
    /// large enough to be split among them), give the same masks.
    func testMasksDependOnTheExamplesPlaceInTheJobsMinibatchAlone() {
        let units = 400, batch = 100, rate = 0.3
        let values = (0..<(units * batch)).map { Float($0 % 97) + 1 }
        let whole = dropped(values, units: units, rate: rate)
        for example in 0..<batch {
            for unit in 0..<units {
                let kept = Dropout.keeps(seed: seed, step: 3, layer: 0, example: example, unit: unit, units: units, rate: rate)
                XCTAssertEqual(whole[example * units + unit] != 0, kept, "example \(example), unit \(unit)")
            }
        }
        XCTAssertTrue(dropped(values, units: units, rate: rate, threads: 4) == whole, "4 threads")
        for split in [[50, 50], [34, 33, 33]] {
            var joined: [Float] = [], first = 0
            for rows in split {
                joined += dropped(Array(values[(first * units)..<((first + rows) * units)]), units: units, rate: rate,
                                  firstExample: first)
                first += rows
            }
            XCTAssertTrue(joined == whole, "rows split \(split)")
        }
        XCTAssertFalse(dropped(Array(values[(50 * units)...]), units: units, rate: rate) == Array(whole[(50 * units)...]),
                          "the second rank's rows counted from 0 get other masks (the error this guards against)")
    }

    /// A small run with dropout is the same run for the same seed, and with 1 or 2 threads.
    func testRunsWithDropoutAreDeterministicAndIndependentOfThreads() throws {
        let folder = try TemporaryFolder()
        var config = try SmallRun.config(in: folder)
        config.model.dropout = 0.3
        config.model.hidden = [32, 16]
        config.train.batchSize = 1024
        config.train.evalEvery = 1000
        let first = SmallRun.run(config)
        XCTAssertEqual(SmallRun.run(config).trainLoss, first.trainLoss, "same seed")
        config.train.threads = 2
        let twoThreads = SmallRun.run(config)
        XCTAssertEqual(twoThreads.trainLoss, first.trainLoss, "2 threads")
        XCTAssertEqual(twoThreads.validation, first.validation, "2 threads")
        config.model.dropout = 0
        XCTAssertNotEqual(SmallRun.run(config).trainLoss, first.trainLoss, "dropout took part")
    }
}
