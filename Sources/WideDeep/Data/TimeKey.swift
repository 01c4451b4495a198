/// A time column's value as a number that sorts as the times do (`data.holdout_by`): a plain
/// number as itself (a Unix timestamp, Avazu's YYMMDDHH hour), a date or date-time written with
/// separators (`2026-12-01 10:00:00`, `2026/12/01T10:00Z`) as its digits read as one integer.
/// Values of one column are expected in one format, so their digit counts agree.
enum TimeKey {
    /// At most 15 digits: every such integer is exact in a Double.
    static let maxDigits = 15

    static func parse(_ bytes: [UInt8]) -> Double? {
        guard !bytes.isEmpty else { return nil }
        let plain = bytes.withUnsafeBufferPointer { NumberParser.parse($0) }
        if case .value(let v) = plain { return v }
        var key = 0.0
        var digits = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                guard digits <= maxDigits else { return nil }
                key = key * 10 + Double(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: " "), UInt8(ascii: "T"),
                 UInt8(ascii: "Z"), UInt8(ascii: "."):
                continue
            default:
                return nil
            }
        }
        return digits > 0 ? key : nil
    }

    /// A key as written back: an integer without a fraction.
    static func text(_ key: Double) -> String {
        key == key.rounded() && abs(key) < 1e15 ? String(Int64(key)) : "\(key)"
    }
}
