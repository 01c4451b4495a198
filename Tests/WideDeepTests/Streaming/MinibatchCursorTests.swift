import XCTest
@testable import WideDeep

final class MinibatchCursorTests: XCTestCase {
    /// Chunks of uneven sizes (empty ones too) give minibatches of exactly the batch size, the
    /// rows in order, the last one shorter; malformed-row counts are passed on.
    func testMinibatchesDoNotDependOnChunkBoundaries() throws {
        let sizes = [3, 0, 7, 1, 1, 10, 0]
        var chunks: [EncodedChunkReader.Chunk] = []
        var start = 0
        for (i, size) in sizes.enumerated() {
            chunks.append(EncodedChunkReader.Chunk(data: StreamingFixtures.tracedRows(start..<(start + size)),
                                               skippedRows: i == 2 ? 2 : 0,
                                               errors: i == 2 ? [DataError(file: "t", line: 9, "bad")] : []))
            start += size
        }
        var remaining = chunks[...]
        var cursor = MinibatchCursor(batchSize: 4) { remaining.popFirst() }
        try cursor.prime()
        var batches: [[Int]] = []
        var more: [Bool] = []
        while cursor.hasMore {
            let batch = try XCTUnwrap(try cursor.next())
            let rows = EncodedDataset(concatenating: [batch])
            StreamingFixtures.assertTraced(rows)
            batches.append(rows.numeric.map { Int($0) })
            more.append(cursor.hasMore)
        }
        XCTAssertNil(try cursor.next())
        XCTAssertEqual(batches, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15], [16, 17, 18, 19], [20, 21]])
        XCTAssertEqual(more, [true, true, true, true, true, false])
        let skipped = cursor.takeSkipped()
        XCTAssertEqual(skipped.rows, 2)
        XCTAssertEqual(skipped.errors.map(\.line), [9])
        XCTAssertEqual(cursor.takeSkipped().rows, 0)
    }

    func testAnEmptyStreamHasNoMinibatch() throws {
        var cursor = MinibatchCursor(batchSize: 4) { nil }
        try cursor.prime()
        XCTAssertFalse(cursor.hasMore)
        XCTAssertNil(try cursor.next())
    }
}
