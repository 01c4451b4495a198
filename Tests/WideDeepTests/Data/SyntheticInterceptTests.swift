import XCTest
@testable import WideDeep

/// `wdl gen --positive-rate`: the intercept shift that gives the planted model a chosen base rate.
final class SyntheticInterceptTests: XCTestCase {
    func testShiftZeroLeavesTheRowsAsTheyWere() {
        let plain = SyntheticCTR(seed: 5), shifted = SyntheticCTR(seed: 5, interceptShift: 0)
        for r in 0..<200 {
            XCTAssertEqual(plain.row(r).probability, shifted.row(r).probability)
            XCTAssertEqual(plain.row(r).label, shifted.row(r).label)
        }
    }

    /// A shift s moves every row's true logit by exactly s (so the planted model's effects, its
    /// Bayes-optimal ranking, stay what they were).
    func testAShiftMovesEveryLogitByItself() {
        let plain = SyntheticCTR(seed: 3), shifted = SyntheticCTR(seed: 3, interceptShift: -2.5)
        func logit(_ p: Double) -> Double { log(p / (1 - p)) }
        for r in 0..<200 {
            XCTAssertEqual(logit(shifted.row(r).probability) - logit(plain.row(r).probability), -2.5, accuracy: 1e-9)
            XCTAssertEqual(shifted.row(r).categories, plain.row(r).categories)
        }
    }

    /// The file's positive rate is the requested one up to binomial noise: on 40,000 rows of
    /// seeds the calibration sample does not use, within 4 standard errors.
    func testGeneratedRowsHaveTheRequestedPositiveRate() {
        for target in [0.03, 0.5] {
            let base = SyntheticCTR(seed: 11)
            let generator = SyntheticCTR(seed: 11, interceptShift: base.interceptShift(positiveRate: target))
            let rows = 40_000
            let positives = (0..<rows).reduce(0) { $0 + generator.row($1).label }
            let rate = Double(positives) / Double(rows)
            let standardError = (target * (1 - target) / Double(rows)).squareRoot()
            XCTAssertEqual(rate, target, accuracy: 4 * standardError, "target \(target)")
        }
    }

    /// Train and validation files share a planted model: the shift depends on the model seed only.
    func testTheShiftDependsOnTheModelNotTheRows() {
        XCTAssertEqual(SyntheticCTR(seed: 1).interceptShift(positiveRate: 0.05),
                       SyntheticCTR(seed: 2).interceptShift(positiveRate: 0.05))
        XCTAssertNotEqual(SyntheticCTR(seed: 1, modelSeed: 7).interceptShift(positiveRate: 0.05),
                          SyntheticCTR(seed: 1).interceptShift(positiveRate: 0.05))
    }
}
