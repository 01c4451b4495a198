import XCTest
@testable import WideDeep

final class LossHistoryTests: XCTestCase {
    private func point(_ step: Int) -> LossPoint { LossPoint(step: step, examples: step * 10, loss: Double(step)) }

    func testMergesNeighboursInPairsWhenFull() {
        // Capacity 4, losses 1…8 (loss = step):
        // after 4 points [1, 2, 3, 4] → full → [(1+2)/2 @2, (3+4)/2 @4] = [1.5, 3.5], 2 steps per point;
        // 5 and 6 → 5.5 @6; 7 and 8 → 7.5 @8 → full → [(1.5+3.5)/2 @4, (5.5+7.5)/2 @8] = [2.5, 6.5],
        // the means of 1…4 and 5…8.
        var history = LossHistory(capacity: 4)
        for s in 1...3 { history.add(point(s)) }
        XCTAssertEqual(history.points.map(\.loss), [1, 2, 3])
        history.add(point(4))
        XCTAssertEqual(history.points.map(\.loss), [1.5, 3.5])
        XCTAssertEqual(history.points.map(\.step), [2, 4])
        XCTAssertEqual(history.stepsPerPoint, 2)
        history.add(point(5))
        XCTAssertEqual(history.points.count, 2, "5 waits for its pair")
        history.add(point(6))
        XCTAssertEqual(history.points.map(\.loss), [1.5, 3.5, 5.5])
        history.add(point(7))
        history.add(point(8))
        XCTAssertEqual(history.points.map(\.loss), [2.5, 6.5])
        XCTAssertEqual(history.points.map(\.step), [4, 8])
        XCTAssertEqual(history.points.map(\.examples), [40, 80])
        XCTAssertEqual(history.stepsPerPoint, 4)
    }

    /// Every step's loss stays represented: the mean over the stored points, weighted by the
    /// steps each stands for, equals the mean of all losses added (here 1…N for many N).
    func testNoLossIsDroppedWhateverTheCapacity() {
        for capacity in [2, 3, 4, 5, 7, 8] {
            var history = LossHistory(capacity: capacity)
            let total = 64
            for s in 1...total { history.add(point(s)) }
            // With 64 = 2^6 steps every stored point stands for stepsPerPoint steps.
            let covered = history.points.count * history.stepsPerPoint
            XCTAssertEqual(covered, total, "capacity \(capacity): points cover every step")
            let mean = history.points.map(\.loss).reduce(0, +) / Double(history.points.count)
            XCTAssertEqual(mean, Double(total + 1) / 2, accuracy: 1e-9, "capacity \(capacity)")
            XCTAssertEqual(history.points.last?.step, total)
        }
    }
}
