import XCTest
@testable import Dashboard

final class FormatTests: XCTestCase {
    /// w = 0.5 on [1, 2, NaN, 3], by hand:
    /// 1: last = 0.5, n = 1, out = 0.5 / (1 − 0.5) = 1
    /// 2: last = 0.25 + 1 = 1.25, n = 2, out = 1.25 / 0.75 = 5/3
    /// NaN passes through, n stays 2
    /// 3: last = 0.625 + 1.5 = 2.125, n = 3, out = 2.125 / 0.875 = 17/7
    func testDebiasedEMAMatchesHandComputation() {
        let out = Smoothing.debiasedEMA([1, 2, .nan, 3], weight: 0.5)
        XCTAssertEqual(out.count, 4)
        XCTAssertEqual(out[0], 1, accuracy: 1e-12)
        XCTAssertEqual(out[1], 5.0 / 3.0, accuracy: 1e-12)
        XCTAssertTrue(out[2].isNaN)
        XCTAssertEqual(out[3], 17.0 / 7.0, accuracy: 1e-12)
    }

    func testEMAWithoutSmoothingIsTheIdentityAndConstantsStayConstant() {
        XCTAssertEqual(Smoothing.debiasedEMA([3, 1, 4], weight: 0), [3, 1, 4])
        for value in Smoothing.debiasedEMA([0.7, 0.7, 0.7, 0.7], weight: 0.9) {
            XCTAssertEqual(value, 0.7, accuracy: 1e-12)
        }
        // Infinity passes through like NaN.
        XCTAssertEqual(Smoothing.debiasedEMA([2, .infinity, 2], weight: 0.6)[1], .infinity)
    }

    func testCounts() {
        XCTAssertEqual(Format.count(0), "0")
        XCTAssertEqual(Format.count(999), "999")
        XCTAssertEqual(Format.count(1_234_567), "1,234,567")
        XCTAssertEqual(Format.count(-12_345), "-12,345")
    }

    func testCompact() {
        XCTAssertEqual(Format.compact(0), "0")
        XCTAssertEqual(Format.compact(987), "987")
        XCTAssertEqual(Format.compact(1_234_567), "1.23M")
        XCTAssertEqual(Format.compact(500_000), "500k")
        XCTAssertEqual(Format.compact(999_600), "1M")
        XCTAssertEqual(Format.compact(2e15), "2e15")
    }

    func testNumbers() {
        XCTAssertEqual(Format.number(0.0125), "0.0125")
        XCTAssertEqual(Format.number(100), "100")
        XCTAssertEqual(Format.number(0.05), "0.05")
        XCTAssertEqual(Format.number(1.25e-5), "1.25e-5")
        XCTAssertEqual(Format.number(0), "0")
        XCTAssertEqual(Format.number(.nan), "NaN")
    }

    /// Issue 16's examples: a diverging run's loss printed 17 digits.
    func testMetricSwitchesToScientificForHugeAndTinyValues() {
        XCTAssertEqual(Format.metric(0.31234), "0.3123")
        XCTAssertEqual(Format.metric(12_345.678), "12345.6780")
        XCTAssertEqual(Format.metric(88_498_062_592.0), "8.85e10")
        XCTAssertEqual(Format.metric(30_504_363.0713), "3.05e7")
        XCTAssertEqual(Format.metric(100_000), "1e5")
        XCTAssertEqual(Format.metric(0.0005), "5e-4")
        XCTAssertEqual(Format.metric(0), "0.0000")
        XCTAssertEqual(Format.metric(.nan), "NaN")
    }

    func testDurations() {
        XCTAssertEqual(Format.duration(42), "42s")
        XCTAssertEqual(Format.duration(125), "2m05s")
        XCTAssertEqual(Format.duration(3720), "1h02m")
        XCTAssertEqual(Format.clock(65), "01:05")
        XCTAssertEqual(Format.clock(3725), "1:02:05")
    }
}
