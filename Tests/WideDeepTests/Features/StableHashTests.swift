import XCTest
@testable import WideDeep

/// The documented hash, re-implemented here from the published constants:
///   FNV-1a 64: h = 0xcbf29ce484222325; for each byte: h ^= byte; h *= 0x100000001b3 (mod 2^64)
///   fmix64 (MurmurHash3): k ^= k>>33; k *= 0xff51afd7ed558ccd; k ^= k>>33; k *= 0xc4ceb9fe1a85ec53; k ^= k>>33
///   value(field, v) = fmix64(FNV(utf8(field) ‖ 0x1F ‖ utf8(v)))
///   cross(name, h1…hk) = fmix64(FNV(utf8(name) ‖ 0x1E ‖ le64(h1) ‖ … ‖ le64(hk)))
final class StableHashTests: XCTestCase {
    private func fnv(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 14_695_981_039_346_656_037  // 0xcbf29ce484222325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 1_099_511_628_211  // 0x100000001b3
        }
        return h
    }

    private func fmix(_ x: UInt64) -> UInt64 {
        var k = x
        k ^= k >> 33
        k = k &* 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k = k &* 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }

    private func referenceValue(_ field: String, _ value: String) -> UInt64 {
        fmix(fnv(Array(field.utf8) + [0x1F] + Array(value.utf8)))
    }

    private func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8((v >> (8 * UInt64($0))) & 0xFF) } }

    func testKnownVectorsOfTheBuildingBlocks() {
        // FNV-1a 64 of "" is the offset basis; of "a" it is 0xaf63dc4c8601ec8c (published test vector).
        XCTAssertEqual(StableHash.fnv1a([UInt8]()), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(StableHash.fnv1a(Array("a".utf8)), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(StableHash.fnv1a(Array("foobar".utf8)), 0x8594_4171_f739_67e8)
        XCTAssertEqual(fnv(Array("foobar".utf8)), 0x8594_4171_f739_67e8)
        XCTAssertEqual(StableHash.fmix64(0), 0)
        for x: UInt64 in [1, 42, 0xdead_beef, .max] { XCTAssertEqual(StableHash.fmix64(x), fmix(x)) }
    }

    /// Fixed ids: these literals were computed once with Python (`python3 -c` with the formulas
    /// above, independent of this code) and must never change, or every checkpoint's ids would.
    func testFixedValueHashes() {
        let expected: [(String, String, UInt64, UInt32)] = [
            ("workclass", "Private", 0xd409_14f0_67d3_4ec4, 216_772),
            ("education", "Bachelors", 0xcc1c_f9a3_5e70_83e8, 33_768),
            ("C1", "", 0xc02f_77d5_5048_ccee, 576_750),
            ("genres", "Comedy", 0x7102_0510_f7ce_33ee, 930_798),
            ("occupation", "Exec-managerial", 0xa266_c9d9_f6d0_79c0, 31_168),
        ]
        for (field, value, hash, id) in expected {
            XCTAssertEqual(StableHash.value(field: field, value), hash, "\(field)=\(value)")
            XCTAssertEqual(referenceValue(field, value), hash, "reference \(field)=\(value)")
            XCTAssertEqual(UInt32(hash % 1_048_576), id)
            let bytes = Array(value.utf8)
            let viaState = bytes.withUnsafeBufferPointer { StableHash.value(fieldState: StableHash.fieldState(field), bytes: $0) }
            XCTAssertEqual(viaState, hash)
        }
        // The field is part of the hash: the same value in two fields differs.
        XCTAssertNotEqual(StableHash.value(field: "a", "x"), StableHash.value(field: "b", "x"))
        // And the separator keeps ("ab", "c") apart from ("a", "bc").
        XCTAssertNotEqual(StableHash.value(field: "ab", "c"), StableHash.value(field: "a", "bc"))
    }

    func testFixedCrossHash() {
        let h1 = StableHash.value(field: "education", "Bachelors")
        let h2 = StableHash.value(field: "occupation", "Exec-managerial")
        let name = "education x occupation"
        let reference = fmix(fnv(Array(name.utf8) + [0x1E] + le64(h1) + le64(h2)))
        let cross = StableHash.cross(state: StableHash.crossState(name), components: [h1, h2])
        XCTAssertEqual(cross, reference)
        // Python, from the same formula: 0xbccfa41639d9da83, id 645763 in 2^20 buckets.
        XCTAssertEqual(cross, 0xbccf_a416_39d9_da83)
        XCTAssertEqual(cross % 1_048_576, 645_763)
        // Order matters.
        XCTAssertNotEqual(StableHash.cross(state: StableHash.crossState(name), components: [h2, h1]), cross)
    }

    /// Wide ids of an encoded row are the documented hashes modulo `hash_buckets`, in group order:
    /// categorical fields, multi-valued values, bucketized numerics, crosses (one per combination).
    /// Embedding rows are fmix64(hash ^ 0x9e3779b97f4a7c15) modulo the table's rows.
    func testEncodedIdsAreHashesModuloBuckets() throws {
        let config = TinyModel.config()
        let (layout, data) = try TinyModel.load(config)
        let buckets = UInt64(config.features.hashBuckets)
        // Row 0: color = red, tags = a|b, x1 = 1.0 → bucket 1 of boundaries [0, 2] ([0, 2)).
        let red = referenceValue("color", "red"), a = referenceValue("tags", "a"), b = referenceValue("tags", "b")
        let bucket = referenceValue("x1#bucket", "1")
        let crossColorTags = fmix(fnv(Array("color x tags".utf8) + [0x1E] + le64(red) + le64(a)))
        let crossColorTagsB = fmix(fnv(Array("color x tags".utf8) + [0x1E] + le64(red) + le64(b)))
        let crossColorX1 = fmix(fnv(Array("color x x1".utf8) + [0x1E] + le64(red) + le64(bucket)))
        let expected = [red, a, b, bucket, crossColorTags, crossColorTagsB, crossColorX1].map { UInt32($0 % buckets) }
        let row0 = Array(data.wideIds[Int(data.wideOffsets[0])..<Int(data.wideOffsets[1])])
        XCTAssertEqual(row0, expected)
        XCTAssertEqual(Array(data.wideGroups[0..<7]), [0, 1, 1, 2, 3, 3, 4])
        XCTAssertEqual(layout.wideGroupNames, ["color", "tags", "x1 buckets", "color x tags", "color x x1"])

        func rehash(_ h: UInt64) -> UInt64 { fmix(h ^ 0x9e37_79b9_7f4a_7c15) }
        XCTAssertEqual(layout.embeddingRows, [8, 8])
        XCTAssertEqual(UInt64(data.embeddingRows[0]), rehash(red) % 8)
        XCTAssertEqual(data.multiRows[0][0..<2].map { UInt64($0) }, [rehash(a) % 8, rehash(b) % 8])
        // Row 3's tags are missing: one value, the empty string.
        XCTAssertEqual(data.multiOffsets[0][4] - data.multiOffsets[0][3], 1)
        let missing = referenceValue("tags", "")
        XCTAssertEqual(UInt64(data.multiRows[0][Int(data.multiOffsets[0][3])]), rehash(missing) % 8)
    }

    func testIdsDoNotDependOnTheRunOrThreadCount() throws {
        let config = TinyModel.config()
        let schema = try DataSchema(config: config)
        let bytes = Array(TinyModel.csv.utf8)
        let one = try DatasetReader(schema: schema, threads: 1).parse(bytes: bytes, file: "t")
        let two = try DatasetReader(schema: schema, threads: 2).parse(bytes: bytes, file: "t")
        XCTAssertEqual(one.categorical, two.categorical)
        XCTAssertEqual(one.multiValuedHashes, two.multiValuedHashes)
        // color=red, computed once with Python from the formulas above.
        XCTAssertEqual(one.categorical[0], 0xd813_72f2_1cac_90c2)
        XCTAssertEqual(referenceValue("color", "red"), 0xd813_72f2_1cac_90c2)
    }
}
