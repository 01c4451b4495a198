import XCTest
@testable import WideDeep

/// Quickselect against the definition: the value at each rank of the sorted array.
final class OrderStatisticsTests: XCTestCase {
    func testMatchesSortingOnRandomDataWithDuplicates() {
        var generator = SeededGenerator(seed: 5)
        for (count, distinct) in [(1, 1), (2, 2), (17, 3), (100, 1), (1000, 7), (5000, 5000), (20000, 40)] {
            var values = (0..<count).map { _ in Float(Int(generator.nextUnit() * Double(distinct))) - Float(distinct / 3) }
            let sorted = values.sorted()
            let ranks = [0, count - 1, count / 2, count / 3, count / 10, count - 1, 0].map { min(max(0, $0), count - 1) }
            let picked = OrderStatistics.select(&values, ranks: ranks)
            XCTAssertEqual(picked, ranks.map { sorted[$0] }, "\(count) values, \(distinct) distinct")
            XCTAssertEqual(values.sorted(), sorted, "select only reorders")
        }
    }

    func testSortedAndReversedInputs() {
        for input in [Array(0..<3000).map(Float.init), Array((0..<3000).reversed()).map(Float.init)] {
            var values = input
            let ranks = Array(stride(from: 0, to: 3000, by: 299))
            XCTAssertEqual(OrderStatistics.select(&values, ranks: ranks), ranks.map(Float.init))
        }
    }
}
