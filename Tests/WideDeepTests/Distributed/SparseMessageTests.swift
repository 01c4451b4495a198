import XCTest
@testable import WideDeep

/// The sparse message of a data-parallel step (`SparseMessage`) and the per-row sums a rank makes
/// of every rank's embedding gradients (`EmbeddingTable.mergeGradients`).
final class SparseMessageTests: XCTestCase {
    func table(_ name: String, rows: Int, dim: Int) -> EmbeddingTable {
        var none: SeededGenerator? = nil
        return EmbeddingTable(field: name, rows: rows, dim: dim, generator: &none)
    }

    /// Two ranks' messages, gathered back to back (the second with odd sizes, so its parts start
    /// at offsets that are not multiples of 8), read back field by field.
    func testMessagesReadBackWhatWasEncoded() {
        let d = 3
        let a = table("a", rows: 10, dim: d), b = table("b", rows: 10, dim: d)
        var gathered: [UInt8] = [], counts: [Int] = []
        let wide0 = [WideLinear.BatchGradient(id: 7, gradient: 0.5, group: 2)]
        let wide1 = [WideLinear.BatchGradient(id: 3, gradient: -1.25, group: 0),
                     WideLinear.BatchGradient(id: 9, gradient: 2, group: 1)]
        for (loss, wide, rowsA, rowsB) in [(1.5, wide0, [Int32(4), 2], [Int32]()), (-0.25, wide1, [Int32(9)], [Int32(0), 5, 1])] {
            a.stepRows = rowsA
            a.stepGradients = (0..<(rowsA.count * d + 2)).map { Float($0) + 0.5 }  // longer than used, as when reused
            b.stepRows = rowsB
            b.stepGradients = (0..<(rowsB.count * d)).map { -Float($0) }
            var message: [UInt8] = []
            SparseMessage.encode(loss: loss, wide: wide, tables: [a, b], dim: d, into: &message)
            XCTAssertEqual(message.count, 24 + 12 * wide.count + 2 * 4 + 4 * (rowsA.count + rowsB.count) * (1 + d))
            gathered += message
            counts.append(message.count)
        }
        gathered.withUnsafeBytes { bytes in
            let messages = SparseMessage.messages(in: bytes, counts: counts, dim: d)
            XCTAssertEqual(messages.map(\.loss), [1.5, -0.25])
            XCTAssertEqual(messages.map(\.wideCount), [1, 2])
            let pair = messages[1].widePairs.loadUnaligned(fromByteOffset: 12, as: WideLinear.BatchGradient.self)
            XCTAssertEqual([pair.id, Int32(pair.group)], [9, 1])
            XCTAssertEqual(pair.gradient, 2)
            let field = messages[1].fields[1]
            XCTAssertEqual((0..<field.count).map(field.row), [0, 5, 1])
            let gradients = (0..<(3 * d)).map { field.gradients.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
            XCTAssertEqual(gradients, (0..<(3 * d)).map { -Float($0) })
            XCTAssertEqual(messages[0].fields[1].count, 0)
            let first = messages[0].fields[0]
            XCTAssertEqual((0..<first.count).map(first.row), [4, 2])
            XCTAssertEqual(first.gradients.loadUnaligned(fromByteOffset: 4 * (2 * d - 1), as: Float.self), Float(2 * d - 1) + 0.5)
        }
    }

    /// Every rank's rows summed per row, in rank order from zero, the distinct rows in order of
    /// first appearance: checked against sums made one rank at a time in a dictionary.
    func testMergedGradientsAreEveryRanksSumsPerRow() {
        let d = 2
        let t = table("f", rows: 20, dim: d)
        let ranks: [[(row: Int32, gradient: [Float])]] = [
            [(3, [1, 2]), (7, [0.1, 0.2]), (11, [5, 5])],
            [(7, [1e8, -1]), (2, [3, 4])],
            [(3, [-1, 0.25]), (7, [-1e8, 1]), (19, [9, 9])],
        ]
        var expected: [Int32: [Float]] = [:], order: [Int32] = []
        for rank in ranks {
            for (row, gradient) in rank {
                if expected[row] == nil { expected[row] = [0, 0]; order.append(row) }
                for k in 0..<d { expected[row]![k] += gradient[k] }
            }
        }
        // Each rank's rows travel as its message does; the receiving table merges them.
        let sender = table("f", rows: 20, dim: d)
        var gathered: [UInt8] = [], counts: [Int] = []
        for rank in ranks {
            sender.stepRows = rank.map(\.row)
            sender.stepGradients = rank.flatMap(\.gradient)
            var message: [UInt8] = []
            SparseMessage.encode(loss: 0, wide: [], tables: [sender], dim: d, into: &message)
            gathered += message
            counts.append(message.count)
        }
        gathered.withUnsafeBytes { bytes in
            t.mergeGradients(SparseMessage.messages(in: bytes, counts: counts, dim: d).map { $0.fields[0] })
        }
        XCTAssertEqual(t.stepRows, order)
        for (slot, row) in order.enumerated() {
            XCTAssertEqual(Array(t.stepGradients[(slot * d)..<(slot * d + d)]), expected[row]!, "row \(row)")
        }
        // (0.1 + 1e8) − 1e8 is 0 in float: the order of the sums is the ranks'.
        XCTAssertEqual(t.stepGradients[1 * d], 0)
        XCTAssertTrue((0..<20).allSatisfy { t.slotOfRow[$0] == -1 }, "the slot map is cleared for the next step")
    }
}
