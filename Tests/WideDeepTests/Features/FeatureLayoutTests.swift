import Foundation
import XCTest
@testable import WideDeep

final class FeatureLayoutTests: XCTestCase {
    func testBucketizerEdges() {
        // Boundaries [18, 25, 30]: (−∞, 18) → 0, [18, 25) → 1, [25, 30) → 2, [30, ∞) → 3, missing → 4.
        let b = Bucketizer(name: "age", boundaries: [18, 25, 30])
        XCTAssertEqual(b.bucketCount, 5)
        XCTAssertEqual(b.missingBucket, 4)
        let cases: [(Float, Int)] = [(-1e30, 0), (17.99, 0), (18, 1), (18.01, 1), (24.999, 1), (25, 2), (29.9, 2),
                                     (30, 3), (1e30, 3), (.infinity, 3), (-.infinity, 0), (.nan, 4)]
        for (x, expected) in cases { XCTAssertEqual(b.bucket(x), expected, "\(x)") }
        XCTAssertEqual(b.describe(bucket: 0), "[-inf, 18)")
        XCTAssertEqual(b.describe(bucket: 2), "[25, 30)")
        XCTAssertEqual(b.describe(bucket: 3), "[30, inf)")
        XCTAssertEqual(b.describe(bucket: 4), "(missing)")
        XCTAssertEqual(Bucketizer(name: "x", boundaries: [0.5]).describe(bucket: 1), "[0.5, inf)")
    }

    func testQuantileBoundariesOnAHandMadeColumn() {
        // Values 10, 9, …, 1 (unsorted) plus a missing one, 4 buckets. Sorted non-missing:
        // [1 … 10], n = 10; boundary k at index ⌊k·10/4⌋: k=1 → 2 → 3; k=2 → 5 → 6; k=3 → 7 → 8.
        // Buckets: {1, 2}, {3, 4, 5}, {6, 7}, {8, 9, 10}.
        // The column is the second of two (stride 2).
        var values: [Float] = []
        for v in stride(from: 10, through: 1, by: -1) { values += [999, Float(v)] }
        values += [999, .nan]
        let b = Bucketizer.fitQuantiles(name: "x", buckets: 4, values: values, column: 1, stride: 2)
        XCTAssertEqual(b.boundaries, [3, 6, 8])
        // Duplicates: [1, 1, 1, 1, 2, 2, 3, 4], 4 buckets: indices 2, 4, 6 → 1, 2, 3; the boundary 1
        // equals the smallest value (bucket 0 would be empty), so it is dropped → [2, 3].
        let d = Bucketizer.fitQuantiles(name: "d", buckets: 4, values: [1, 1, 1, 1, 2, 2, 3, 4], column: 0, stride: 1)
        XCTAssertEqual(d.boundaries, [2, 3])
        // A constant column has no boundary at all; an all-missing one neither.
        XCTAssertEqual(Bucketizer.fitQuantiles(name: "c", buckets: 5, values: [7, 7, 7], column: 0, stride: 1).boundaries, [])
        XCTAssertEqual(Bucketizer.fitQuantiles(name: "m", buckets: 5, values: [.nan, .nan], column: 0, stride: 1).boundaries, [])
    }

    func testLayoutFitsQuantileBucketsAndTransformsOnTraining() throws {
        var config = RunConfig()
        config.data.label = "y"
        config.features.categorical = ["c"]
        config.features.numeric = ["n", "count"]
        config.features.log = ["count"]
        config.features.buckets = ["n": .quantiles(4), "count": .boundaries([1, 10])]
        config.features.crosses = [["c", "n"]]
        var csv = "c,n,count,y\n"
        for v in 1...10 { csv += "k\(v % 3),\(11 - v),\(v * v),\(v % 2)\n" }
        let raw = try readCSV(csv, config: config)
        let layout = try FeatureLayout.fit(config: config, training: raw)
        // Bucketizers in numeric-column order: n then count.
        XCTAssertEqual(layout.bucketizers.map(\.name), ["n", "count"])
        XCTAssertEqual(layout.bucketColumns, [0, 1])
        XCTAssertEqual(layout.bucketizers[0].boundaries, [3, 6, 8], "n takes 10…1, as the hand-made column above")
        XCTAssertEqual(layout.bucketizers[1].boundaries, [1, 10])
        XCTAssertEqual(layout.crosses, [FeatureLayout.Cross(name: "c x n", components: [.categorical(0), .bucket(0)])])
        // count: log1p of 1, 4, …, 100; mean and population deviation of those logs.
        let logs = (1...10).map { log1p(Double($0 * $0)) }
        let mean = logs.reduce(0, +) / 10
        let deviation = (logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 10).squareRoot()
        XCTAssertTrue(layout.numeric[1].logarithm)
        XCTAssertEqual(layout.numeric[1].mean, mean, accuracy: 1e-9)
        XCTAssertEqual(layout.numeric[1].deviation, deviation, accuracy: 1e-9)
        XCTAssertEqual(Double(layout.numeric[1].apply(.nan)), 0, "missing becomes the mean")
        XCTAssertEqual(NumericTransform.signedLog1p(-3), -log(4.0), accuracy: 1e-12)
        // A constant column gets deviation 1.
        XCTAssertEqual(NumericTransform.fit(name: "k", logarithm: false, values: [2, 2, 2], column: 0, stride: 1).deviation, 1)
        XCTAssertEqual(layout.deepInputWidth, 1 * config.model.embeddingDim + 2)
    }

    /// A wide-only run fits the same wide part (buckets, crosses, hash space) and skips what only
    /// the deep part reads: numeric transforms stay unfitted, embedding rows at the budget.
    func testWideOnlyFitKeepsTheWidePartAndSkipsTheDeepStatistics() throws {
        let full = TinyModel.config(mode: .wideDeep)
        var wideOnly = full
        wideOnly.model.mode = .wide
        let (fitted, _) = try TinyModel.load(full)
        let (wide, data) = try TinyModel.load(wideOnly)
        XCTAssertEqual(wide.bucketizers, fitted.bucketizers)
        XCTAssertEqual(wide.crosses, fitted.crosses)
        XCTAssertEqual(wide.hashBuckets, fitted.hashBuckets)
        XCTAssertEqual(wide.numeric.map(\.name), fitted.numeric.map(\.name))
        XCTAssertEqual(wide.numeric.map(\.mean), [0, 0])
        XCTAssertEqual(wide.numeric.map(\.deviation), [1, 1])
        XCTAssertNotEqual(fitted.numeric.map(\.mean), [0, 0], "the full fit does fit them")
        XCTAssertEqual(wide.embeddingRows, [Int](repeating: full.features.embeddingBuckets, count: 2))
        // The wide ids do not depend on the deep statistics.
        let (_, fullData) = try TinyModel.load(full)
        XCTAssertEqual(data.wideIds, fullData.wideIds)
    }

    func testCrossWithMultiValuedFieldGivesOneIdPerValue() throws {
        let (layout, data) = try TinyModel.load(TinyModel.config())
        let crossGroup = UInt16(layout.schema.allCategorical.count + layout.bucketizers.count)  // "color x tags"
        // Rows' tag counts: a|b → 2, b → 1, a|c|c → 3, missing → 1, c|a → 2, b|b → 2, c → 1, a|b|c → 3.
        let expected = [2, 1, 3, 1, 2, 2, 1, 3]
        for r in 0..<data.count {
            let groups = data.wideGroups[Int(data.wideOffsets[r])..<Int(data.wideOffsets[r + 1])]
            XCTAssertEqual(groups.filter { $0 == crossGroup }.count, expected[r], "row \(r)")
        }
    }

    func testLayoutErrors() throws {
        var config = TinyModel.config()
        let raw = try readCSV(TinyModel.csv, config: config)
        config.features.crosses = [["color", "x2"]]
        assertContains(thrownDescription { _ = try FeatureLayout.fit(config: config, training: raw) },
                       "'x2'", "bucketized")
        config.features.crosses = [["color"]]
        assertContains(thrownDescription { _ = try FeatureLayout.fit(config: config, training: raw) }, "two or more")
        config.features.crosses = []
        config.features.buckets = ["color": .boundaries([1])]
        assertContains(thrownDescription { _ = try FeatureLayout.fit(config: config, training: raw) },
                       "'color' is not a numeric column")
        config.features.buckets = [:]
        config.features.hashBuckets = 0
        assertContains(thrownDescription { _ = try FeatureLayout.fit(config: config, training: raw) }, "hash_buckets")
    }

    func testEmbeddingRowsSizing() {
        // 32 rows per distinct value, a power of two, at least 64, at most the budget.
        XCTAssertEqual(FeatureLayout.embeddingRows(distinct: 1, budget: 100_000), 64)
        XCTAssertEqual(FeatureLayout.embeddingRows(distinct: 3, budget: 100_000), 128)  // 96 → 128
        XCTAssertEqual(FeatureLayout.embeddingRows(distinct: 16, budget: 100_000), 512)
        XCTAssertEqual(FeatureLayout.embeddingRows(distinct: 1_000_000, budget: 100_000), 100_000)
        XCTAssertEqual(FeatureLayout.embeddingRows(distinct: 5, budget: 8), 8)
    }
}
