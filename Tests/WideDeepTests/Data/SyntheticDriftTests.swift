import XCTest
@testable import WideDeep

/// `wdl gen --drift-at` (the planted model redrawn at given rows) and `--endless` (the chunked stream).
final class SyntheticDriftTests: XCTestCase {
    /// Before the first drift point a drifting generator's rows are the plain generator's, byte for byte.
    func testRowsBeforeTheDriftAreThePlainGenerators() {
        let plain = SyntheticCTR(seed: 4), drifting = SyntheticCTR(seed: 4, driftPoints: [300, 700])
        var plainLine: [UInt8] = [], driftingLine: [UInt8] = []
        for r in 0..<300 {
            plainLine.removeAll(); driftingLine.removeAll()
            plain.appendLine(plain.row(r), index: r, to: &plainLine)
            drifting.appendLine(drifting.row(r), index: r, to: &driftingLine)
            XCTAssertEqual(driftingLine, plainLine, "row \(r)")
        }
    }

    /// From the k-th point on, probabilities and labels are those of model seed + k, while the
    /// features (and their texts, from the original model seed) stay those of the plain generator.
    func testRowsFromEachDriftFollowTheNextModelSeed() {
        let drifting = SyntheticCTR(seed: 4, modelSeed: 50, driftPoints: [700, 300])  // sorted by init
        XCTAssertEqual(drifting.driftPoints, [300, 700])
        let plain = SyntheticCTR(seed: 4, modelSeed: 50)
        var differing = 0
        for r in 0..<1000 {
            let k = r < 300 ? 0 : r < 700 ? 1 : 2
            XCTAssertEqual(drifting.driftCount(atRow: r), k)
            let model = SyntheticCTR(seed: 4, modelSeed: 50 + UInt64(k))
            let row = drifting.row(r), expected = model.row(r), original = plain.row(r)
            XCTAssertEqual(row.probability, expected.probability, "row \(r)")
            XCTAssertEqual(row.label, expected.label, "row \(r)")
            XCTAssertEqual(row.categories, original.categories)
            XCTAssertEqual(row.integers, original.integers)
            var line: [UInt8] = [], originalLine: [UInt8] = []
            drifting.appendLine(row, index: r, to: &line)
            plain.appendLine(original, index: r, to: &originalLine)
            XCTAssertEqual(line.dropFirst(), originalLine.dropFirst(), "only the label may differ, row \(r)")
            if k > 0 && abs(row.probability - original.probability) > 1e-6 { differing += 1 }
        }
        // A redrawn model changes nearly every row's probability (all its random effects are new).
        XCTAssertGreaterThan(differing, 650)
    }

    /// The stream's first K rows are `generate(rows: K)`'s bytes, whatever K is against the chunk
    /// size, for both layouts (Avazu's header first); the sink sees the chunks in order.
    func testTheStreamsPrefixIsTheFile() {
        let chunk = SyntheticCTR.chunkRows
        for layout in SyntheticCTR.Layout.allCases {
            let generator = SyntheticCTR(seed: 3, layout: layout, driftPoints: [chunk + 5])
            for rows in [1, chunk, 2 * chunk + 17] {
                var streamed: [UInt8] = []
                let count = generator.stream(threads: 2, limit: rows) { streamed += $0; return true }
                XCTAssertEqual(count, rows)
                XCTAssertEqual(streamed, generator.generate(rows: rows).bytes, "\(layout) \(rows) rows")
            }
        }
    }

    /// A sink that refuses a chunk ends the stream there: what it took is a prefix of the file,
    /// whole chunks, and the count returned is the rows it took.
    func testASinkThatStopsEndsTheStream() {
        let generator = SyntheticCTR(seed: 9)
        var taken: [UInt8] = [], calls = 0
        let count = generator.stream(threads: 2) { bytes in
            calls += 1
            guard calls <= 3 else { return false }
            taken += bytes
            return true
        }
        XCTAssertEqual(calls, 4)
        XCTAssertEqual(count, 3 * SyntheticCTR.chunkRows)
        XCTAssertEqual(taken, generator.generate(rows: count).bytes)
    }
}
