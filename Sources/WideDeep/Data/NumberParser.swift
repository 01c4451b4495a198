/// Parses decimal numbers from bytes without building Strings (the reader's hot path).
enum NumberParser {
    enum Result: Equatable {
        case value(Double)
        case notANumber
        case notFinite
    }

    /// Accepts `[+-]digits[.digits][(e|E)[+-]digits]` (digits may be absent on one side of the
    /// point); refuses NaN and infinities, spelled out or by overflow.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result {
        var i = 0
        let n = bytes.count
        guard n > 0 else { return .notANumber }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0
        var exponent = 0
        var digits = 0
        var significantDigits = 0
        while i < n, bytes[i] &- 48 < 10 {
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 48)
                if mantissa > 0 { significantDigits += 1 }
            } else {
                exponent += 1
            }
            digits += 1
            i += 1
        }
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, bytes[i] &- 48 < 10 {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 48)
                    if mantissa > 0 { significantDigits += 1 }
                    exponent -= 1
                }
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return classifyWord(bytes) }
        if i < n, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < n, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var exponentDigits = 0
            while i < n, bytes[i] &- 48 < 10 {
                if e < 100_000 { e = e * 10 + Int(bytes[i] &- 48) }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return .notANumber }
            exponent += exponentNegative ? -e : e
        }
        guard i == n else { return .notANumber }
        var value = Double(mantissa)
        if exponent != 0 && mantissa != 0 {
            // Exact for |exponent| ≤ 22 and mantissa < 2^53, the common case; otherwise the
            // rounding error is a few ulps, irrelevant for features.
            if exponent > 0 {
                value *= power10(exponent)
            } else {
                value /= power10(-exponent)
            }
        }
        guard value.isFinite else { return .notFinite }
        return .value(negative ? -value : value)
    }

    private static let powers: [Double] = (0...22).map { p in
        var v = 1.0
        for _ in 0..<p { v *= 10 }
        return v
    }

    private static func power10(_ e: Int) -> Double {
        if e <= 22 { return powers[e] }
        if e > 400 { return .infinity }
        var v = 1.0
        var left = e
        while left > 22 { v *= 1e22; left -= 22 }
        return v * powers[left]
    }

    private static func classifyWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Result {
        let word = String(decoding: bytes, as: UTF8.self).lowercased()
            .trimmingPrefix(while: { $0 == "+" || $0 == "-" })
        return ["nan", "inf", "infinity"].contains(String(word)) ? .notFinite : .notANumber
    }
}
