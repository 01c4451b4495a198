import XCTest
@testable import WideDeep

/// Row copies between encoded datasets keep every field of a row together (CSR spans included).
final class EncodedDatasetRowsTests: XCTestCase {
    func testConcatenatingAndGatheringKeepRowsWhole() {
        let a = StreamingFixtures.tracedRows(0..<10), b = StreamingFixtures.tracedRows(10..<17)
        let joined = EncodedDataset(concatenating: [(a, 3..<10), (b, 0..<0), (b, 0..<5)])
        StreamingFixtures.assertTraced(joined)
        XCTAssertEqual(joined.numeric, (3..<15).map(Float.init))
        let picked = joined.gathering([11, 0, 5, 5])
        StreamingFixtures.assertTraced(picked)
        XCTAssertEqual(picked.numeric, [14, 3, 8, 8])
    }

    func testKeepRowsCompactsInPlaceAndRemaps() {
        var data = StreamingFixtures.tracedRows(0..<40)
        let kept: [Int32] = [0, 1, 2, 5, 6, 17, 18, 39]
        let remap = data.keepRows(kept)
        StreamingFixtures.assertTraced(data)
        XCTAssertEqual(data.count, kept.count)
        XCTAssertEqual(data.numeric, kept.map(Float.init))
        XCTAssertEqual(data.wideOffsets.count, kept.count + 1)
        XCTAssertEqual(Int(data.wideOffsets.last!), data.wideIds.count)
        XCTAssertEqual(data.wideGroups.count, data.wideIds.count)
        for (w, r) in kept.enumerated() { XCTAssertEqual(remap[Int(r)], Int32(w)) }
        XCTAssertEqual(remap[3], -1)
        // Appending after a compaction continues the offsets.
        data.append(rowsOf: StreamingFixtures.tracedRows(50..<53), 0..<3)
        StreamingFixtures.assertTraced(data)
        XCTAssertEqual(data.numeric.suffix(3), [50, 51, 52])
    }
}
