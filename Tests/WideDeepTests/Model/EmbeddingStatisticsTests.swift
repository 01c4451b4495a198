import XCTest
@testable import WideDeep

/// The embedding panel's figures (`EmbeddingTable.statistics`): the norms of the rows a minibatch
/// has updated, against norms computed here one value at a time.
final class EmbeddingStatisticsTests: XCTestCase {
    func testNormsOfTheTouchedRowsOnly() {
        let dim = 5
        var none: SeededGenerator? = nil
        let table = EmbeddingTable(field: "C1", rows: 10, dim: dim, generator: &none)
        table.values = (0..<(10 * dim)).map { Float($0 % 7) * 0.25 - Float($0 % 3) }
        let touchedRows = [1, 3, 4, 8]
        for r in touchedRows { table.touched[r] = 1 }
        let values = table.values
        let norms = touchedRows.map { r in
            (0..<dim).reduce(0.0) { $0 + Double(values[r * dim + $1]) * Double(values[r * dim + $1]) }.squareRoot()
        }
        let stats = table.statistics()
        XCTAssertEqual(stats.rows, 10)
        XCTAssertEqual(stats.rowsTouched, 4)
        XCTAssertEqual(stats.meanNorm, norms.reduce(0, +) / 4, accuracy: 1e-12)
        XCTAssertEqual(stats.maxNorm, norms.max()!, accuracy: 1e-12)
        // Four rows, all sampled: the q-th percentile is sorted[min(3, ⌊4q⌋)].
        let sorted = norms.sorted()
        XCTAssertEqual(stats.normPercentiles.count, 5)
        for (p, q) in zip(stats.normPercentiles, [0.05, 0.25, 0.5, 0.75, 0.95]) {
            XCTAssertEqual(p, sorted[min(3, Int(q * 4))], accuracy: 1e-12)
        }
    }

    func testUntouchedTableHasNoNorms() {
        var none: SeededGenerator? = nil
        let table = EmbeddingTable(field: "C2", rows: 4, dim: 16, generator: &none)
        let stats = table.statistics()
        XCTAssertEqual(stats.rowsTouched, 0)
        XCTAssertEqual(stats.meanNorm, 0)
        XCTAssertEqual(stats.normPercentiles, [])
    }
}
