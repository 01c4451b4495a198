import WideDeep

/// Protocol Buffers' wire format, writing only: the few field kinds TensorBoard's `Event` and
/// ONNX's `ModelProto` need, written by hand so that neither needs a protobuf dependency.
/// Fields are written in the order they are called; proto3 readers accept any order.
public struct ProtobufWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    /// Base-128 varint: seven bits per byte, least significant group first, the high bit set on
    /// every byte but the last.
    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    /// `int64`, `int32` and enums: a negative value takes ten bytes (its 64-bit two's complement).
    public mutating func int(_ field: Int, _ value: Int64) {
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    public mutating func double(_ field: Int, _ value: Double) {
        key(field, .fixed64)
        littleEndian(value.bitPattern)
    }

    public mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        littleEndian(value.bitPattern)
    }

    public mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    public mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes += value
    }

    /// An embedded message, written by `body` into a writer of its own.
    public mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        bytes(field, inner.bytes)
    }

    /// A packed `repeated int64`: one length-delimited field of varints.
    public mutating func packedInts(_ field: Int, _ values: [Int64]) {
        var inner = ProtobufWriter()
        for v in values { inner.varint(UInt64(bitPattern: v)) }
        bytes(field, inner.bytes)
    }

    /// Appends fields already written by another writer.
    mutating func append(_ other: ProtobufWriter) {
        bytes += other.bytes
    }

    private mutating func littleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
