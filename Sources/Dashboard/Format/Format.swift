import Foundation

/// Number and time formatting for the panels: fixed, locale-independent, short.
public enum Format {
    /// `1234567` → `1,234,567`.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        result.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// `1234567` → `1.23M`; at most 5 characters for non-negative values below 10^15.
    public static func compact(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "-∞") }
        let magnitude = abs(value)
        let sign = value < 0 ? "-" : ""
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        for (scale, suffix) in units where magnitude >= scale * 0.9995 {
            let scaled = magnitude / scale
            if scaled >= 1000 { return sign + scientific(magnitude, digits: 2) }
            return sign + trimmed(scaled, significant: 3) + suffix
        }
        if magnitude >= 1 || magnitude == 0 { return sign + trimmed(magnitude, significant: 3) }
        return sign + trimmed(magnitude, significant: 2)
    }

    /// `1234` → `1.23k`, for counts of examples and rows.
    public static func compact(_ value: Int) -> String { compact(Double(value)) }

    /// A hyperparameter or statistic with `significant` digits: `0.0125`, `1.25e-5`, `100`.
    public static func number(_ value: Double, significant: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "-∞") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e6 {
            return (value < 0 ? "-" : "") + trimmed(magnitude, significant: significant)
        }
        return scientific(value, digits: significant - 1)
    }

    /// A loss or metric: 4 decimals (`0.3123`) while that reads well, a compact scientific form
    /// past 10^5 or below 10^-3 (`8.85e10`, `3.05e7`), so a diverging run does not print 17 digits.
    public static func metric(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "-∞") }
        let magnitude = abs(value)
        if magnitude == 0 || (magnitude >= 1e-3 && magnitude < 1e5) { return fixed(value, 4) }
        return scientific(value, digits: 2)
    }

    /// `0.7291` → `72.9%`.
    public static func percent(_ fraction: Double, decimals: Int = 1) -> String {
        guard fraction.isFinite else { return "n/a" }
        return String(format: "%.\(decimals)f%%", fraction * 100)
    }

    /// Fixed decimals: `fixed(0.31234, 4)` → `0.3123`.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "-∞") }
        return String(format: "%.\(decimals)f", value)
    }

    /// A duration: `42s`, `3m05s`, `1h02m`, `2d03h`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" + twoDigits(total % 60) + "s" }
        if total < 86400 { return "\(total / 3600)h" + twoDigits(total / 60 % 60) + "m" }
        return "\(total / 86400)d" + twoDigits(total / 3600 % 24) + "h"
    }

    /// A clock time since the run started: `02:05`, `1:02:05`.
    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let total = Int(seconds)
        if total < 3600 { return twoDigits(total / 60) + ":" + twoDigits(total % 60) }
        return "\(total / 3600):" + twoDigits(total / 60 % 60) + ":" + twoDigits(total % 60)
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// `significant` digits without trailing zeros (`%g` without its exponent switch).
    private static func trimmed(_ value: Double, significant: Int) -> String {
        let integerDigits = value >= 1 ? Int(log10(value)) + 1 : 1
        var decimals = max(0, significant - integerDigits)
        if value < 1 && value > 0 {
            decimals = max(0, significant - 1 - Int(floor(log10(value))))
        }
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// `1.5e12` style: mantissa with `digits` decimals (trailing zeros dropped), plain exponent.
    static func scientific(_ value: Double, digits: Int) -> String {
        let text = String(format: "%.\(max(0, digits))e", value)
        guard let e = text.firstIndex(of: "e") else { return text }
        var mantissa = String(text[..<e])
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        var exponent = String(text[text.index(after: e)...])
        let negative = exponent.hasPrefix("-")
        exponent = String(exponent.drop { $0 == "+" || $0 == "-" || $0 == "0" })
        if exponent.isEmpty { exponent = "0" }
        return mantissa + "e" + (negative ? "-" : "") + exponent
    }
}
