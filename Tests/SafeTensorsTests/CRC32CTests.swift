import XCTest
@testable import SafeTensors

final class CRC32CTests: XCTestCase {
    /// Bit-at-a-time definition of CRC-32C, independent of the table-driven implementation.
    private func bitwiseCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    func testCheckValue() {
        XCTAssertEqual(CRC32C.checksum("123456789"), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    }

    /// RFC 3720 (iSCSI) appendix B.4 test vectors.
    func testRFC3720Vectors() {
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
        XCTAssertEqual(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }), 0x113F_DB5C)
    }

    func testEmptyInput() {
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32C.checksum([UInt8](), continuing: 0xDEAD_BEEF), 0xDEAD_BEEF)
    }

    /// All lengths around the 16-byte block size and unaligned starts agree with the bitwise
    /// definition, and continuing a checksum equals checksumming the concatenation.
    func testMatchesBitwiseDefinitionAtAllLengthsAndOffsets() {
        var generator = SplitMix64(seed: 7)
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<17 {
            for length in [0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 100, 283 - start] {
                let slice = Array(data[start..<start + length])
                XCTAssertEqual(CRC32C.checksum(data[start..<start + length]), bitwiseCRC(slice), "start \(start) length \(length)")
            }
        }
        for split in [0, 1, 5, 16, 150, 300] {
            let whole = CRC32C.checksum(data)
            let continued = CRC32C.checksum(data[split...], continuing: CRC32C.checksum(data[..<split]))
            XCTAssertEqual(continued, whole, "split \(split)")
        }
    }

    func testHexFormatting() {
        XCTAssertEqual(CRC32C.hex(0x0000_00AB), "000000ab")
        XCTAssertEqual(CRC32C.hex(0xE306_9283), "e3069283")
        XCTAssertEqual(CRC32C.parseHex("E3069283"), 0xE306_9283)
        XCTAssertNil(CRC32C.parseHex("e306928"))
        XCTAssertNil(CRC32C.parseHex("+3069283"))
        XCTAssertNil(CRC32C.parseHex("e30692830"))
    }
}

/// Deterministic random numbers for tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
