import Foundation
import XCTest
@testable import SafeTensors
import WDLTestSupport

final class FormatTests: XCTestCase {
    /// A file assembled byte by byte: 8-byte length 56, 54 bytes of JSON + 2 spaces, two floats.
    func testParsesHandBuiltBuffer() throws {
        let json = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        XCTAssertEqual(json.utf8.count, 54)
        var bytes: [UInt8] = [56, 0, 0, 0, 0, 0, 0, 0] + Array(json.utf8) + [0x20, 0x20]
        bytes += [0x00, 0x00, 0x80, 0x3F]  // 1.0
        bytes += [0x00, 0x00, 0x00, 0xC0]  // -2.0
        let file = try SafeTensorsFile(bytes: bytes)
        XCTAssertEqual(file.metadata, [:])
        XCTAssertEqual(file.names, ["a"])
        XCTAssertEqual(file["a"]?.dtype, .f32)
        XCTAssertEqual(file["a"]?.shape, [2])
        XCTAssertEqual(try file["a"]?.floats(), [1.0, -2.0])
    }

    /// The writer's bytes, spelled out by hand. The reference implementation (Python
    /// safetensors 0.8 `save`) produces exactly these bytes for the same input.
    func testSerializesExactBytes() throws {
        let file = SafeTensorsFile(metadata: ["k": "v"], tensors: [
            "b": try Tensor([UInt8]([1, 2, 3])),
            "a": Tensor(scalar: 1.5),
        ])
        let json = #"{"__metadata__":{"k":"v"},"a":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"U8","shape":[3],"data_offsets":[8,11]}}"#
        XCTAssertEqual(json.utf8.count, 131)
        var expected: [UInt8] = [136, 0, 0, 0, 0, 0, 0, 0] + Array(json.utf8) + [UInt8](repeating: 0x20, count: 5)
        expected += [0, 0, 0, 0, 0, 0, 0xF8, 0x3F]  // 1.5 as F64
        expected += [1, 2, 3]
        XCTAssertEqual(try file.serializedBytes(checksums: false), expected)
    }

    /// With checksums: CRC32C(1.5 as F64) = 3b562ad9 and CRC32C([1,2,3]) = f130f21e, computed with
    /// an independent bitwise implementation.
    func testSerializesChecksumMetadata() throws {
        let file = SafeTensorsFile(tensors: ["b": try Tensor([UInt8]([1, 2, 3])), "a": Tensor(scalar: 1.5)])
        let bytes = try file.serializedBytes()
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        let header = String(decoding: bytes[8..<8 + length], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix(#"{"__metadata__":{"crc32c":"{\"a\":\"3b562ad9\",\"b\":\"f130f21e\"}"},"a":"#), header)
        XCTAssertEqual((8 + length) % 8, 0)
        let header2 = try SafeTensorsFile(bytes: bytes)
        XCTAssertEqual(header2, file)
        XCTAssertEqual(header2.metadata, [:], "the checksum entry is not exposed as user metadata")
    }

    /// A file written by Python safetensors 0.8 (`safetensors.numpy.save`) with BOOL, F16, an
    /// empty I32 tensor and non-ASCII metadata.
    func testReadsFileWrittenByReferenceImplementation() throws {
        let base64 = "WAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJzb3VyY2UiOiJweXRob24gc2FmZXRlbnNvcnMiLCLDvCI6IsOfIn0sImlkcyI6eyJkdHlwZSI6Ikk2NCIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzAsMTZdfSwidyI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMTYsNDBdfSwiZSI6eyJkdHlwZSI6IkkzMiIsInNoYXBlIjpbMCw0XSwiZGF0YV9vZmZzZXRzIjpbNDAsNDBdfSwiaCI6eyJkdHlwZSI6IkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzQwLDQ0XX0sImZsYWciOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbNDQsNDddfX0gIP//////////AAAAAAABAAAAAAAAAAAAPwAAgD8AAMA/AAAAQAAAIEAAPADAAQAB"
        let file = try SafeTensorsFile(bytes: [UInt8](Data(base64Encoded: base64)!))
        XCTAssertEqual(file.metadata, ["source": "python safetensors", "ü": "ß"])
        XCTAssertEqual(file.names, ["e", "flag", "h", "ids", "w"])
        XCTAssertEqual(try file.values(named: "w", as: Float.self, shape: [2, 3]), [0, 0.5, 1, 1.5, 2, 2.5])
        XCTAssertEqual(try file.values(named: "ids", as: Int64.self), [-1, 1 << 40])
        XCTAssertEqual(try file.tensor(named: "flag").bools(), [true, false, true])
        XCTAssertEqual(file["h"]?.bytes, [0x00, 0x3C, 0x00, 0xC0])  // F16 1.0, -2.0
        #if !(os(macOS) && arch(x86_64))
        XCTAssertEqual(try file.values(named: "h", as: Float16.self), [1.0, -2.0])
        #endif
        XCTAssertEqual(file["e"]?.shape, [0, 4])
        XCTAssertEqual(file["e"]?.bytes, [])
    }

    func testRoundTripOfDtypesAndShapes() throws {
        let original = SafeTensorsFile(metadata: ["format": "test"], tensors: [
            "f32": try Tensor([Float](arrayLiteral: 1, -2.5, .pi, 0, 1e-30, 3e38), shape: [2, 3]),
            "f64": try Tensor([Double](arrayLiteral: -1e300, 0.1, 2), shape: [3, 1]),
            "i32": try Tensor([Int32.min, -1, 0, Int32.max], shape: [2, 2]),
            "i64": try Tensor([Int64.min, Int64.max, 42]),
            "u8": try Tensor([UInt8](0...255), shape: [16, 16]),
            "u32": try Tensor([UInt32.max, 7]),
            "u64": try Tensor([UInt64.max, 1 << 63]),
            "i8": try Tensor([Int8.min, Int8.max]),
            "i16": try Tensor([Int16.min, 5]),
            "u16": try Tensor([UInt16.max]),
            "bool": try Tensor(bools: [true, false]),
            "scalar": Tensor(scalar: Float(3.5)),
            "empty": try Tensor([Float](), shape: [0]),
            "empty2d": try Tensor([Int64](), shape: [3, 0]),
            "bf16": try Tensor(dtype: .bf16, shape: [2], bytes: [0x80, 0x3F, 0x00, 0xC0]),
        ])
        let bytes = try original.serializedBytes()
        let loaded = try SafeTensorsFile(bytes: bytes)
        XCTAssertEqual(loaded, original)
        XCTAssertEqual(try loaded.values(named: "u64", as: UInt64.self), [UInt64.max, 1 << 63])
        XCTAssertEqual(try loaded.tensor(named: "scalar").shape, [])
        XCTAssertEqual(try loaded.tensor(named: "scalar").floats(), [3.5])
        XCTAssertEqual(try loaded.tensor(named: "empty2d").shape, [3, 0])
        XCTAssertEqual(try loaded.tensor(named: "i32").values(as: Int32.self), [Int32.min, -1, 0, Int32.max])
        XCTAssertEqual(try loaded.tensor(named: "f64").values(as: Double.self), [-1e300, 0.1, 2])
        XCTAssertEqual(try loaded.tensor(named: "u32").values(as: UInt32.self), [UInt32.max, 7])
        XCTAssertEqual(try loaded.tensor(named: "u8").uint8s(), [UInt8](0...255))
        XCTAssertEqual(try loaded.tensor(named: "i64").values(as: Int64.self), [Int64.min, Int64.max, 42])
        XCTAssertEqual(try loaded.tensor(named: "bool").bools(), [true, false])
        // Deterministic: the same content serializes to the same bytes.
        XCTAssertEqual(try loaded.serializedBytes(), bytes)
    }

    /// Order: element size descending, then name; each tensor starts at a multiple of its size.
    func testDataOrderAndAlignment() throws {
        let file = SafeTensorsFile(tensors: [
            "z": try Tensor([UInt8]([1, 2, 3])),
            "y": try Tensor([Float]([1])),
            "x": try Tensor([Double]([1, 2])),
            "w": try Tensor([Int16]([1])),
            "a": try Tensor([Int64]([1])),
        ])
        let url = try temporaryDirectory().appendingPathComponent("order.safetensors")
        try file.write(to: url)
        let header = try SafeTensorsFile.readHeader(of: url)
        XCTAssertEqual(header.tensors.map(\.name), ["a", "x", "y", "w", "z"])
        XCTAssertEqual(header.tensors.map(\.dataOffsets), [0..<8, 8..<24, 24..<28, 28..<30, 30..<33])
        XCTAssertEqual(header.dataStart % 8, 0)
        XCTAssertEqual(header.dataLength, 33)
        XCTAssertEqual(Set((header.checksums ?? [:]).keys), ["a", "x", "y", "w", "z"])
    }

    /// The sample `scripts/check_safetensors.py --sample` checks with Python's safetensors. Set
    /// SAFETENSORS_SAMPLE_OUT=path to keep the file for it.
    func testInteropSample() throws {
        let sample = SafeTensorsFile(metadata: ["format": "wdl-test", "unicode": "Größe 🚀"], tensors: [
            "f32": try Tensor((0..<12).map { Float($0) * 0.5 - 1 }, shape: [3, 4]),
            "f64": try Tensor([0.1, -2.5, 1e300]),
            "i32": try Tensor([Int32(-7), 0, Int32.max]),
            "i64": try Tensor([Int64(-1), 1 << 40, Int64.min]),
            "u8": try Tensor([UInt8](0...255), shape: [16, 16]),
            "u32": try Tensor([UInt32(0), UInt32.max, 12345]),
            "u64": try Tensor([UInt64.max, 0]),
            "scalar": Tensor(scalar: Float(3.25)),
            "empty": try Tensor([Float](), shape: [0, 5]),
            "flags": try Tensor(bools: [true, false, true]),
        ])
        let path = ProcessInfo.processInfo.environment["SAFETENSORS_SAMPLE_OUT"]
        let url = try path.map(URL.init(fileURLWithPath:)) ?? temporaryDirectory().appendingPathComponent("sample.safetensors")
        try sample.write(to: url)
        XCTAssertEqual(try SafeTensorsFile(contentsOf: url, options: .init(checksums: .require)), sample)
    }

    func testMetadataRoundTripWithEscapesAndUnicode() throws {
        let metadata = [
            "config": #"{"lr": 0.05, "layers": [64, 32], "name": "a \"quoted\" \\ path"}"#,
            "control": "tab\there\nnewline\u{1}\u{1F}\r\u{8}\u{C}",
            "unicode": "Größe 🚀 漢字",
            "": "empty key",
            "empty": "",
            "big": String(repeating: "0123456789", count: 50_000),
        ]
        let file = SafeTensorsFile(metadata: metadata, tensors: ["t": Tensor(scalar: Int32(1))])
        let loaded = try SafeTensorsFile(bytes: try file.serializedBytes())
        XCTAssertEqual(loaded.metadata, metadata)
    }

    func testEmptyFile() throws {
        let bytes = try SafeTensorsFile().serializedBytes(checksums: false)
        XCTAssertEqual(bytes, [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
        XCTAssertEqual(try SafeTensorsFile(bytes: bytes), SafeTensorsFile())
    }

    func testTensorConstructionAndAccessErrors() throws {
        XCTAssertThrowsError(try Tensor([Float](arrayLiteral: 1, 2, 3), shape: [2, 2])) { error in
            XCTAssertEqual(error as? SafeTensorsError, .byteCountMismatch(dtype: .f32, shape: [2, 2], expectedBytes: 16, actualBytes: 12))
        }
        XCTAssertThrowsError(try Tensor([Float](), shape: [-1]))
        XCTAssertThrowsError(try Tensor(dtype: .u8, shape: [Int.max, 2], bytes: []))
        let file = SafeTensorsFile(tensors: ["w": try Tensor([Float](arrayLiteral: 1, 2))])
        XCTAssertThrowsError(try file.values(named: "w", as: Double.self)) { error in
            XCTAssertEqual(error as? SafeTensorsError, .dtypeMismatch(path: "", tensor: "w", expected: .f64, actual: .f32))
            XCTAssertEqual("\(error)", "tensor 'w': dtype is F32, expected F64")
        }
        XCTAssertThrowsError(try file.values(named: "w", as: Float.self, shape: [3])) { error in
            XCTAssertEqual(error as? SafeTensorsError, .shapeMismatch(path: "", tensor: "w", expected: [3], actual: [2]))
        }
        XCTAssertThrowsError(try file.tensor(named: "v")) { error in
            XCTAssertEqual(error as? SafeTensorsError, .missingTensor(path: "", tensor: "v"))
        }
        XCTAssertThrowsError(try SafeTensorsFile(tensors: ["__metadata__": Tensor(scalar: 1.0)]).serializedBytes())
        XCTAssertThrowsError(try SafeTensorsFile(metadata: ["crc32c": "x"]).serializedBytes()) { error in
            XCTAssertEqual(error as? SafeTensorsError, .reservedMetadataKey(key: "crc32c"))
        }
        // Without managed checksums the key is ordinary metadata... but a file carrying a malformed
        // one is rejected on load.
        let custom = try SafeTensorsFile(metadata: ["crc32c": "x"]).serializedBytes(checksums: false)
        XCTAssertThrowsError(try SafeTensorsFile(bytes: custom))
    }

    func testCopyingFromAndIntoCallerBuffers() throws {
        let storage = UnsafeMutableBufferPointer<Float>.allocate(capacity: 6)
        defer { storage.deallocate() }
        for i in 0..<6 { storage[i] = Float(i) * 1.5 }
        let tensor = try Tensor(copying: UnsafeBufferPointer(storage), shape: [2, 3])
        XCTAssertEqual(tensor.shape, [2, 3])
        XCTAssertEqual(try tensor.floats(), [0, 1.5, 3, 4.5, 6, 7.5])
        storage.initialize(repeating: 0)
        try tensor.copyValues(into: storage)
        XCTAssertEqual(Array(storage), [0, 1.5, 3, 4.5, 6, 7.5])
        XCTAssertThrowsError(try tensor.copyValues(into: UnsafeMutableBufferPointer(rebasing: storage[0..<5])))
        let doubles = UnsafeMutableBufferPointer<Double>.allocate(capacity: 6)
        defer { doubles.deallocate() }
        XCTAssertThrowsError(try tensor.copyValues(into: doubles)) { error in
            XCTAssertEqual(error as? SafeTensorsError, .dtypeMismatch(path: "", tensor: "", expected: .f64, actual: .f32))
        }
    }

    func testFirstNonFiniteIndex() throws {
        XCTAssertNil(try Tensor([Float](arrayLiteral: 1, 2, -3)).firstNonFiniteIndex)
        XCTAssertEqual(try Tensor([Float](arrayLiteral: 1, .nan, .infinity)).firstNonFiniteIndex, 1)
        XCTAssertEqual(try Tensor([Double](arrayLiteral: 0, 0, -.infinity)).firstNonFiniteIndex, 2)
        XCTAssertEqual(try Tensor(dtype: .f16, shape: [2], bytes: [0x00, 0x3C, 0x00, 0x7E]).firstNonFiniteIndex, 1)
        XCTAssertEqual(try Tensor(dtype: .bf16, shape: [1], bytes: [0x80, 0xFF]).firstNonFiniteIndex, 0)
        XCTAssertNil(try Tensor([Int32](arrayLiteral: -1, Int32.max)).firstNonFiniteIndex)
    }
}
