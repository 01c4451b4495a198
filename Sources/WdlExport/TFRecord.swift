import SafeTensors
import WideDeep

/// TFRecord framing, the container of TensorBoard's event files: each record is its length
/// (UInt64, little-endian), the masked CRC-32C of those eight bytes, the data, and the masked
/// CRC-32C of the data.
public enum TFRecord {
    /// TensorFlow's CRC mask (rotate right by 15 bits, add a constant), so that a CRC stored
    /// inside checksummed data does not checksum to a fixed value.
    public static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
        let crc = CRC32C.checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    /// One framed record.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        let length = littleEndian(UInt64(data.count))
        return length + littleEndian(maskedCRC(length)) + data + littleEndian(maskedCRC(data))
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
