import XCTest
@testable import WdlExport
@testable import WideDeep

/// Bytes checked against the examples of the protobuf encoding guide
/// (protobuf.dev/programming-guides/encoding) and hand-encoded messages.
final class ProtobufWriterTests: XCTestCase {
    private func bytes(_ body: (inout ProtobufWriter) -> Void) -> [UInt8] {
        var writer = ProtobufWriter()
        body(&writer)
        return writer.bytes
    }

    func testVarintFieldFromTheGuide() {
        // "message Test1 { int32 a = 1; }" with a = 150 is 08 96 01.
        XCTAssertEqual(bytes { $0.int(1, 150) }, [0x08, 0x96, 0x01])
        XCTAssertEqual(bytes { $0.int(1, 1) }, [0x08, 0x01])
        XCTAssertEqual(bytes { $0.int(1, 0) }, [0x08, 0x00])
    }

    func testNegativeIntTakesTenBytes() {
        // int64 -2: two's complement 0xFFFF_FFFF_FFFF_FFFE, 64 bits in 7-bit groups.
        XCTAssertEqual(bytes { $0.int(1, -2) }, [0x08, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    func testStringFromTheGuide() {
        // "message Test2 { string b = 2; }" with b = "testing".
        XCTAssertEqual(bytes { $0.string(2, "testing") }, [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67])
    }

    func testEmbeddedMessageFromTheGuide() {
        // "message Test3 { Test1 c = 3; }" with c.a = 150 is 1a 03 08 96 01.
        XCTAssertEqual(bytes { $0.message(3) { $0.int(1, 150) } }, [0x1A, 0x03, 0x08, 0x96, 0x01])
    }

    func testPackedRepeatedFromTheGuide() {
        // "repeated int32 f = 4 [packed]" holding 3, 270, 86942.
        XCTAssertEqual(bytes { $0.packedInts(4, [3, 270, 86942]) }, [0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05])
    }

    func testFixedWidthNumbersAreLittleEndian() {
        // 1.0 as a double is 0x3FF0_0000_0000_0000; as a float 0x3F80_0000. Keys: (1<<3)|1, (2<<3)|5.
        XCTAssertEqual(bytes { $0.double(1, 1.0) }, [0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        XCTAssertEqual(bytes { $0.float(2, 1.0) }, [0x15, 0, 0, 0x80, 0x3F])
    }

    func testFieldNumbersAboveFifteenTakeTwoKeyBytes() {
        // Field 16, varint: key (16<<3)|0 = 128 = 80 01.
        XCTAssertEqual(bytes { $0.int(16, 1) }, [0x80, 0x01, 0x01])
    }
}
