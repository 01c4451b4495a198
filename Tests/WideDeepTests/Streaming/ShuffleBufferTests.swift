import XCTest
@testable import WideDeep

final class ShuffleBufferTests: XCTestCase {
    /// Feeds rows 0..<count in chunks of the given sizes (cycled); returns the emitted rows' ids
    /// (their numeric value) and the most rows the store held.
    private func shuffle(_ count: Int, capacity: Int, seed: UInt64, chunkSizes: [Int],
                         outputRows: Int = 37) -> (order: [Int], maxStored: Int) {
        var buffer = ShuffleBuffer(capacity: capacity, seed: seed, outputRows: outputRows)
        buffer.compactionFloor = 16
        var order: [Int] = []
        var maxStored = 0
        func take(_ chunks: [EncodedDataset]) {
            for chunk in chunks {
                StreamingFixtures.assertTraced(chunk)
                XCTAssertLessThanOrEqual(chunk.count, outputRows)
                order += chunk.numeric.map { Int($0) }
            }
        }
        var start = 0, k = 0
        while start < count {
            let end = min(count, start + chunkSizes[k % chunkSizes.count])
            take(buffer.add(StreamingFixtures.tracedRows(start..<end)))
            maxStored = max(maxStored, buffer.storedRows)
            start = end
            k += 1
        }
        buffer.finish()
        while let chunk = buffer.drain() { take([chunk]) }
        XCTAssertEqual(buffer.storedRows, 0, "drained: the store is freed")
        return (order, maxStored)
    }

    func testSeededShuffleIsDeterministicAndIndependentOfChunking() {
        let a = shuffle(1000, capacity: 100, seed: 9, chunkSizes: [64])
        XCTAssertEqual(a.order.sorted(), Array(0..<1000), "every row once")
        XCTAssertNotEqual(a.order, Array(0..<1000))
        XCTAssertEqual(shuffle(1000, capacity: 100, seed: 9, chunkSizes: [64]).order, a.order, "same seed, same order")
        XCTAssertEqual(shuffle(1000, capacity: 100, seed: 9, chunkSizes: [1, 250, 7, 0, 33]).order, a.order,
                       "the order does not depend on how the input is cut")
        XCTAssertEqual(shuffle(1000, capacity: 100, seed: 9, chunkSizes: [64], outputRows: 5).order, a.order)
        XCTAssertNotEqual(shuffle(1000, capacity: 100, seed: 10, chunkSizes: [64]).order, a.order, "another seed differs")
    }

    /// Output place p is filled when row p + capacity arrives, so no row goes out more than
    /// `capacity` places ahead of its own.
    func testRowsMoveAtMostTheBufferSizeEarlierAndMemoryIsBounded() {
        let capacity = 50, chunk = 40
        let (order, maxStored) = shuffle(2000, capacity: capacity, seed: 3, chunkSizes: [chunk])
        for (position, row) in order.enumerated() {
            XCTAssertGreaterThanOrEqual(position, row - capacity, "row \(row) went out before it could arrive")
        }
        XCTAssertLessThanOrEqual(maxStored, capacity + 37 + max((capacity + 37) / 4, 16) + chunk, "compaction bounds the store")
    }

    func testBufferLargerThanTheDataIsAFullShuffle() {
        let (order, _) = shuffle(300, capacity: 1000, seed: 4, chunkSizes: [64])
        XCTAssertEqual(order.sorted(), Array(0..<300))
        XCTAssertNotEqual(Array(order.prefix(50)), Array(0..<50))
    }
}
