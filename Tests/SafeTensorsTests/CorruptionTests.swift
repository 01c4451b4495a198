import Foundation
import XCTest
@testable import SafeTensors
import WDLTestSupport

final class CorruptionTests: XCTestCase {
    /// A file image from a header JSON and data bytes, with a correct length prefix.
    private func image(_ json: String, _ data: [UInt8] = []) -> [UInt8] {
        let header = Array(json.utf8)
        return withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header + data
    }

    private func expect(_ bytes: [UInt8], _ expected: SafeTensorsError,
                        options: SafeTensorsFile.ReadOptions = .init(),
                        file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensorsFile(bytes: bytes, path: "m.safetensors", options: options), file: file, line: line) { error in
            XCTAssertEqual(error as? SafeTensorsError, expected, "\(error)", file: file, line: line)
        }
    }

    private func sample() throws -> SafeTensorsFile {
        SafeTensorsFile(metadata: ["step": "12"], tensors: [
            "wide.z": try Tensor((0..<64).map { Float($0) * 0.25 }),
            "deep.w": try Tensor((0..<24).map { Double($0) }, shape: [4, 6]),
            "ids": try Tensor([UInt32](arrayLiteral: 1, 2, 3)),
            "step": Tensor(scalar: Int64(12)),
        ])
    }

    func testTruncatedFileOnDisk() throws {
        let url = try temporaryDirectory().appendingPathComponent("model.safetensors")
        let bytes = try sample().serializedBytes()
        try Data(bytes.dropLast()).write(to: url)
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: url)) { error in
            guard case .offsetsOutOfBounds(url.path, _, _, _, _)? = error as? SafeTensorsError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue("\(error)".hasPrefix("\(url.path): tensor '"), "\(error)")
        }
        try Data(bytes.prefix(100)).write(to: url)  // cut inside the header
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: url)) { error in
            guard case .headerLengthExceedsFile(url.path, _, 100)? = error as? SafeTensorsError else { return XCTFail("\(error)") }
        }
        try Data(bytes.prefix(5)).write(to: url)
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: url)) { error in
            XCTAssertEqual(error as? SafeTensorsError, .fileTooShort(path: url.path, size: 5))
        }
        try Data().write(to: url)
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: url)) { error in
            XCTAssertEqual(error as? SafeTensorsError, .fileTooShort(path: url.path, size: 0))
        }
    }

    func testFlippedDataBytes() throws {
        let bytes = try sample().serializedBytes()
        let url = try temporaryDirectory().appendingPathComponent("model.safetensors")
        try Data(bytes).write(to: url)
        let header = try SafeTensorsFile.readHeader(of: url)
        for info in header.tensors {
            var corrupt = bytes
            let position = header.dataStart + info.dataOffsets.lowerBound + info.byteCount / 2
            corrupt[position] ^= 0x10
            XCTAssertThrowsError(try SafeTensorsFile(bytes: corrupt, path: "m.safetensors")) { error in
                guard case let .checksumMismatch(path, tensor, expected, actual)? = error as? SafeTensorsError else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(path, "m.safetensors")
                XCTAssertEqual(tensor, info.name)
                XCTAssertEqual(expected, header.checksums?[info.name])
                XCTAssertNotEqual(actual, expected)
                XCTAssertTrue("\(error)".contains("tensor '\(info.name)': checksum mismatch"), "\(error)")
            }
            // Skipping verification loads the corrupt data, as asked.
            XCTAssertNoThrow(try SafeTensorsFile(bytes: corrupt, options: .init(checksums: .skip)))
        }
    }

    func testFlippedHeaderByte() throws {
        var bytes = try sample().serializedBytes()
        bytes[8] = UInt8(ascii: "[")  // the opening brace
        expect(bytes, .invalidHeader(path: "m.safetensors",
                                     reason: "not a safetensors file (header is not JSON: expected ',' or ']' at byte 23)"))
    }

    func testAbsurdHeaderLength() throws {
        var bytes = try sample().serializedBytes()
        withUnsafeBytes(of: (UInt64(1) << 60).littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        expect(bytes, .headerLengthExceedsFile(path: "m.safetensors", headerLength: 1 << 60, fileSize: bytes.count))
        let error = SafeTensorsError.headerLengthExceedsFile(path: "model.safetensors", headerLength: 1 << 60, fileSize: 4096)
        XCTAssertEqual(error.description,
                       "model.safetensors: header length 1152921504606846976 exceeds file size 4096 (truncated, or not a safetensors file)")
        withUnsafeBytes(of: UInt64.max.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        expect(bytes, .headerLengthExceedsFile(path: "m.safetensors", headerLength: .max, fileSize: bytes.count))
    }

    func testHeaderLengthCap() throws {
        let bytes = image("{}      ")
        expect(bytes, .headerTooLarge(path: "m.safetensors", headerLength: 8, limit: 4), options: .init(maxHeaderLength: 4))
    }

    func testNotASafetensorsFile() throws {
        let url = try temporaryDirectory().appendingPathComponent("notes.txt")
        let text = "This is a plain text file, not tensors.\n"
        try text.write(to: url, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: url)) { error in
            // "This is " would be read as a little-endian length past the file: text is said to be text.
            XCTAssertEqual(error as? SafeTensorsError,
                           .invalidHeader(path: url.path, reason: "not a safetensors file (it starts with text, not a header length)"))
        }
        expect(image("[1, 2]  "), .invalidHeader(path: "m.safetensors", reason: "not a safetensors file (header is a JSON array, not an object)"))
        expect(image("hello!!!"), .invalidHeader(path: "m.safetensors", reason: "not a safetensors file (header is not JSON: unexpected character at byte 8)"))
    }

    func testMissingFileAndDirectory() throws {
        let folder = try temporaryDirectory()
        let missing = folder.appendingPathComponent("absent.safetensors")
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: missing)) { error in
            XCTAssertEqual(error as? SafeTensorsError, .io(path: missing.path, operation: "open", message: "No such file or directory"))
        }
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: folder)) { error in
            XCTAssertEqual(error as? SafeTensorsError, .notRegularFile(path: folder.path))
        }
    }

    func testOverlappingOffsets() {
        let json = #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}"#
        expect(image(json, [UInt8](repeating: 0, count: 6)), .overlappingTensors(path: "m.safetensors", first: "a", second: "b"))
    }

    func testOffsetsOutOfBounds() {
        let json = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        expect(image(json, [0, 0, 0, 0]), .offsetsOutOfBounds(path: "m.safetensors", tensor: "a", begin: 0, end: 8, dataSize: 4))
        let huge = #"{"a":{"dtype":"U8","shape":[0],"data_offsets":[18446744073709551615,18446744073709551615]}}"#
        expect(image(huge), .offsetsOutOfBounds(path: "m.safetensors", tensor: "a", begin: .max, end: .max, dataSize: 0))
    }

    func testShapeSizeMismatch() {
        let json = #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#
        expect(image(json, [UInt8](repeating: 0, count: 8)),
               .sizeMismatch(path: "m.safetensors", tensor: "a", dtype: .f32, shape: [3], expectedBytes: 12, actualBytes: 8))
        let overflow = #"{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#
        expect(image(overflow), .invalidTensorEntry(path: "m.safetensors", tensor: "a",
                                                    reason: "shape [4294967296, 4294967296] of F64 is too large (byte size overflows)"))
    }

    func testUnknownDType() {
        let json = #"{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}"#
        expect(image(json, [UInt8](repeating: 0, count: 16)), .unknownDType(path: "m.safetensors", tensor: "a", dtype: "F128"))
    }

    func testGapsAndTrailingData() {
        let gap = #"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[3,5]}}"#
        expect(image(gap, [1, 2, 3, 4, 5]), .uncoveredData(path: "m.safetensors", begin: 2, end: 3))
        let trailing = #"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#
        expect(image(trailing, [1, 2, 3]), .uncoveredData(path: "m.safetensors", begin: 2, end: 3))
        expect(image("{}", [1]), .uncoveredData(path: "m.safetensors", begin: 0, end: 1))
    }

    func testMalformedEntries() {
        func entry(_ body: String) -> [UInt8] { image(#"{"t":"# + body + "}", [0, 0, 0, 0]) }
        func reason(_ text: String) -> SafeTensorsError { .invalidTensorEntry(path: "m.safetensors", tensor: "t", reason: text) }
        expect(entry(#"{"dtype":"U8","shape":[-4],"data_offsets":[0,4]}"#), reason("shape element -4 is not a non-negative integer"))
        expect(entry(#"{"dtype":"U8","shape":[4.0],"data_offsets":[0,4]}"#), reason("shape element 4.0 is not a non-negative integer"))
        expect(entry(#"{"dtype":"U8","shape":[true],"data_offsets":[0,4]}"#), reason("shape element true is not a non-negative integer"))
        expect(entry(#"{"dtype":"U8","shape":4,"data_offsets":[0,4]}"#), reason("shape is a JSON number, not an array"))
        expect(entry(#"{"dtype":"U8","data_offsets":[0,4]}"#), reason("missing 'shape'"))
        expect(entry(#"{"dtype":7,"shape":[4],"data_offsets":[0,4]}"#), reason("dtype is a JSON number, not a string"))
        expect(entry(#"{"dtype":"U8","shape":[4],"data_offsets":[4,0]}"#), reason("data_offsets [4, 0] end before they begin"))
        expect(entry(#"{"dtype":"U8","shape":[4],"data_offsets":[0,4,4]}"#), reason("data_offsets is not an array of two integers"))
        expect(entry(#"{"dtype":"U8","shape":[4],"data_offsets":[0,"4"]}"#), reason(#"data_offsets [0, "4"] are not non-negative integers"#))
        expect(entry(#"{"dtype":"U8","shape":[4],"data_offsets":[0,1e1]}"#), reason("data_offsets [0, 1e1] are not non-negative integers"))
        expect(entry(#"[1]"#), reason("entry is a JSON array, not an object"))
        // Unknown extra fields are tolerated, as by the reference implementation.
        XCTAssertNoThrow(try SafeTensorsFile(bytes: entry(#"{"dtype":"U8","shape":[4],"data_offsets":[0,4],"x":{}}"#)))
    }

    func testMalformedHeaderStructure() {
        expect(image(#"{"__metadata__":{"a":1}}"#),
               .invalidHeader(path: "m.safetensors", reason: "__metadata__ value for 'a' is a JSON number, not a string"))
        expect(image(#"{"__metadata__":"x"}"#),
               .invalidHeader(path: "m.safetensors", reason: "__metadata__ is a JSON string, not an object"))
        XCTAssertEqual(try SafeTensorsFile(bytes: image(#"{"__metadata__":null}"#)).metadata, [:])
        expect(image(#"{"a":{},"a":{}}"#),
               .invalidHeader(path: "m.safetensors", reason: #"not a safetensors file (header is not JSON: duplicate key "a" at byte 16)"#))
        expect(image(#"{"x":1}"#), .invalidTensorEntry(
            path: "m.safetensors", tensor: "x", reason: "entry is a JSON number, not an object"))
        var invalidUTF8 = image(#"{"ab":{}}"#)
        invalidUTF8[11] = 0xFF  // the 'b'
        expect(invalidUTF8, .invalidHeader(path: "m.safetensors",
                                           reason: "not a safetensors file (header is not JSON: string is not valid UTF-8 at byte 13)"))
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        expect(image(#"{"a":"# + deep + "}"), .invalidHeader(
            path: "m.safetensors", reason: "not a safetensors file (header is not JSON: nested deeper than 32 levels at byte 44)"))
        expect(image(""), .invalidHeader(path: "m.safetensors", reason: "not a safetensors file (header is not JSON: unexpected end of input at byte 8)"))
        expect(image("{} x"), .invalidHeader(
            path: "m.safetensors", reason: "not a safetensors file (header is not JSON: unexpected characters after the JSON value at byte 11)"))
    }

    func testChecksumMetadataProblems() throws {
        let t = #""t":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}"#
        func file(_ checksums: String) -> [UInt8] {
            var escaped: [UInt8] = []
            JSON.appendQuoted(checksums, to: &escaped)
            return image(#"{"__metadata__":{"crc32c":"# + String(decoding: escaped, as: UTF8.self) + "}," + t + "}", [1, 2])
        }
        expect(file(#"{"t":"00000000"}"#), .checksumMismatch(path: "m.safetensors", tensor: "t", expected: 0,
                                                              actual: CRC32C.checksum([UInt8]([1, 2]))))
        expect(file(#"{}"#), .invalidChecksums(path: "m.safetensors", reason: "no checksum for tensor 't'"))
        expect(file(#"{"t":"00000000","u":"00000000"}"#),
               .invalidChecksums(path: "m.safetensors", reason: "checksum for 'u', which is not in the file"))
        expect(file(#"{"t":"xyz"}"#), .invalidChecksums(path: "m.safetensors", reason: "value for 't' is not 8 hex digits"))
        expect(file(#"not json"#), .invalidChecksums(path: "m.safetensors", reason: "not a JSON object"))
        let unchecked = image("{" + t + "}", [1, 2])
        XCTAssertNoThrow(try SafeTensorsFile(bytes: unchecked))
        expect(unchecked, .missingChecksums(path: "m.safetensors"), options: .init(checksums: .require))
    }

    /// Random byte flips, truncations and insertions of a valid file: every result is an error
    /// or a valid file, never a trap; a flip in the data section is always caught.
    func testFuzzedFilesNeverCrash() throws {
        let valid = try sample().serializedBytes()
        let dataStart = try SafeTensorsFile.headerStart(valid)
        var generator = SplitMix64(seed: 2024)
        var outcomes = (errors: 0, loaded: 0)
        for round in 0..<3000 {
            var bytes = valid
            switch round % 4 {
            case 0:
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            case 1:
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[position] ^= UInt8.random(in: 1...255, using: &generator)
                if position >= dataStart {
                    XCTAssertThrowsError(try SafeTensorsFile(bytes: bytes), "data flip at \(position) not detected")
                }
            case 2:
                for _ in 0..<Int.random(in: 2...8, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            default:
                let position = Int.random(in: 0..<min(bytes.count, dataStart), using: &generator)
                bytes.insert(contentsOf: Array("0,[\"{".utf8).shuffled(using: &generator).prefix(2), at: position)
            }
            do {
                let file = try SafeTensorsFile(bytes: bytes)
                // Whatever loaded is internally consistent.
                for tensor in file.tensors.values {
                    XCTAssertEqual(tensor.bytes.count, try Tensor.byteCount(dtype: tensor.dtype, shape: tensor.shape))
                }
                outcomes.loaded += 1
            } catch is SafeTensorsError {
                outcomes.errors += 1
            }
        }
        XCTAssertGreaterThan(outcomes.errors, 2000)
    }
}

extension SafeTensorsFile {
    /// Offset of the data section of a valid image.
    static func headerStart(_ bytes: [UInt8]) throws -> Int {
        8 + Int(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }
}
