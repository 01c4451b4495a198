import Foundation

/// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF,
/// the checksum of iSCSI, ext4 and Google's crc32c. `checksum("123456789") == 0xE3069283`.
///
/// Table-driven "slicing-by-16": 16 table lookups per 16 input bytes, so the loop is limited by
/// loads rather than by the bit-serial dependency of the plain byte-at-a-time table.
public enum CRC32C {
    /// CRC of `bytes`. Passing a previous result as `continuing` extends it:
    /// `checksum(b, continuing: checksum(a)) == checksum(a + b)`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return previous }
        return tables.withUnsafeBufferPointer { t in
            update(~previous, base, bytes.count, t.baseAddress!)
        } ^ 0xFFFF_FFFF
    }

    /// CRC of any contiguous bytes (`[UInt8]`, `Data`, ...).
    public static func checksum(_ bytes: some ContiguousBytes, continuing previous: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: previous) }
    }

    /// CRC of a string's UTF-8 bytes.
    public static func checksum(_ string: String) -> UInt32 {
        var copy = string
        return copy.withUTF8 { checksum(UnsafeRawBufferPointer($0)) }
    }

    /// Eight lowercase hex digits, the form stored in checksum metadata.
    public static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Parses exactly eight hex digits (either case).
    public static func parseHex(_ text: String) -> UInt32? {
        guard text.utf8.count == 8, text.utf8.allSatisfy({ isHexDigit($0) }) else { return nil }
        return UInt32(text, radix: 16)
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }

    // `crc` is the raw register (already inverted); returns the raw register.
    @inline(__always)
    private static func update(_ crc: UInt32, _ start: UnsafeRawPointer, _ count: Int,
                               _ t: UnsafePointer<UInt32>) -> UInt32 {
        var crc = crc
        var p = start
        var n = count
        @inline(__always) func lookup(_ table: Int, _ byte: UInt64) -> UInt32 {
            t[table &* 256 &+ Int(truncatingIfNeeded: byte & 0xFF)]
        }
        while n >= 16 {
            let a = p.loadUnaligned(as: UInt64.self) ^ UInt64(crc)
            let b = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let hi = lookup(15, a) ^ lookup(14, a >> 8) ^ lookup(13, a >> 16) ^ lookup(12, a >> 24)
                ^ lookup(11, a >> 32) ^ lookup(10, a >> 40) ^ lookup(9, a >> 48) ^ lookup(8, a >> 56)
            let lo = lookup(7, b) ^ lookup(6, b >> 8) ^ lookup(5, b >> 16) ^ lookup(4, b >> 24)
                ^ lookup(3, b >> 32) ^ lookup(2, b >> 40) ^ lookup(1, b >> 48) ^ lookup(0, b >> 56)
            crc = hi ^ lo
            p += 16
            n -= 16
        }
        while n > 0 {
            let byte = UInt64(p.load(as: UInt8.self))
            crc = lookup(0, UInt64(crc) ^ byte) ^ (crc >> 8)
            p += 1
            n -= 1
        }
        return crc
    }

    /// 16 tables of 256 entries: table k maps a byte to its CRC contribution k bytes further on.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 16 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[i] = c
        }
        for k in 1..<16 {
            for i in 0..<256 {
                let prev = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()
}
