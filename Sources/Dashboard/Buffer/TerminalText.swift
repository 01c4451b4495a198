/// Turns strings into single-column scalars for the cell grid, and truncates them cleanly.
///
/// Every cell holds one scalar, so text is reduced to one scalar per `Character` (combining marks
/// dropped). Control characters and East Asian wide characters would break the grid, so they are
/// shown as `?`; names in CTR data are almost always ASCII, and a wrong glyph is better than a
/// misaligned panel.
public enum TerminalText {
    public static let ellipsis: Unicode.Scalar = "…"

    /// One display scalar per character of `text`.
    public static func scalars(_ text: String) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.utf8.count)
        for character in text {
            guard let first = character.unicodeScalars.first else { continue }
            result.append(displayable(first))
        }
        return result
    }

    /// Number of columns `text` takes on screen.
    public static func width(_ text: String) -> Int { text.count }

    /// `text` cut to at most `width` columns; when cut, the last column shows `…`.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        return String(text.prefix(width - 1)) + "…"
    }

    /// `text` truncated or padded with spaces to exactly `width` columns.
    public static func pad(_ text: String, to width: Int, alignRight: Bool = false) -> String {
        let cut = truncate(text, to: width)
        let fill = String(repeating: " ", count: max(0, width - cut.count))
        return alignRight ? fill + cut : cut + fill
    }

    static func displayable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return "?" }
        if isWide(v) { return "?" }
        return scalar
    }

    /// The main double-width blocks (CJK, Hangul, full-width forms, emoji).
    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
