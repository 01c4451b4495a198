import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Small seeded data for the streaming tests.
enum StreamingFixtures {
    /// The checkpoint tests' small run (`SmallRun`): 2,000 training rows in minibatches of 50
    /// (40 steps an epoch, 2 epochs) and 500 validation rows, written in `folder`.
    static func config(in folder: TemporaryFolder) throws -> RunConfig {
        try SmallRun.config(in: folder)
    }

    /// Stream options with small blocks, so the 2,000 rows come in many chunks that do not line up
    /// with minibatches.
    static func stream(blockBytes: Int = 997, shuffleBuffer: Int = 0) -> StreamOptions {
        var options = StreamOptions(shuffleBuffer: shuffleBuffer)
        options.blockBytes = blockBytes
        options.queueCapacity = 3
        return options
    }

    /// An encoded dataset whose row r has numeric value r, label r % 2, `r % 3 + 1` wide ids
    /// (r·10 + k) and embedding row r: every copied field can be traced back to its row.
    static func tracedRows(_ range: Range<Int>) -> EncodedDataset {
        var data = EncodedDataset(count: 0, labels: [], wideOffsets: [0], wideIds: [], wideGroups: [], embeddingRows: [],
                                  singleFields: 1, multiOffsets: [[0]], multiRows: [[]], numeric: [], numericCount: 1,
                                  wideNames: [:])
        for r in range {
            data.labels.append(Float(r % 2))
            for k in 0...(r % 3) {
                data.wideIds.append(UInt32(r * 10 + k))
                data.wideGroups.append(UInt16(k))
            }
            data.wideOffsets.append(Int32(data.wideIds.count))
            data.embeddingRows.append(Int32(r))
            data.multiRows[0].append(contentsOf: [Int32(r), Int32(r + 1)])
            data.multiOffsets[0].append(Int32(data.multiRows[0].count))
            data.numeric.append(Float(r))
            data.count += 1
        }
        return data
    }

    /// Checks that every field of each row of `data` belongs to the row named by its numeric value.
    static func assertTraced(_ data: EncodedDataset, file: StaticString = #filePath, line: UInt = #line) {
        for i in 0..<data.count {
            let r = Int(data.numeric[i])
            XCTAssertEqual(data.labels[i], Float(r % 2), file: file, line: line)
            let ids = data.wideIds[Int(data.wideOffsets[i])..<Int(data.wideOffsets[i + 1])]
            XCTAssertEqual(Array(ids), (0...(r % 3)).map { UInt32(r * 10 + $0) }, file: file, line: line)
            XCTAssertEqual(data.embeddingRows[i], Int32(r), file: file, line: line)
            let multi = data.multiRows[0][Int(data.multiOffsets[0][i])..<Int(data.multiOffsets[0][i + 1])]
            XCTAssertEqual(Array(multi), [Int32(r), Int32(r + 1)], file: file, line: line)
        }
    }
}
