/// Makes text from files (category values, file names, header lines) safe to print on a terminal
/// outside the dashboard: control characters (C0, DEL, C1) and bidirectional overrides would
/// otherwise move the cursor, retitle the window or reorder the line, so they are written as
/// visible escapes (`\e`, `\n`, `\u{202E}`). Long values are cut, so that a 10 MB line does not
/// come back in a message. Every human-readable output uses this one function; JSON printed to
/// a terminal goes through `json`, which finishes what JSON encoders leave raw.
public enum TerminalSafe {
    /// Characters kept of a value before it is cut with `…`.
    public static let defaultMaxCharacters = 200

    /// `text` with control and bidi characters made visible, cut to `maxCharacters`.
    public static func escape(_ text: some StringProtocol, maxCharacters: Int = defaultMaxCharacters) -> String {
        var out = ""
        var kept = 0
        for scalar in text.unicodeScalars {
            if kept == maxCharacters {
                out += "…"
                break
            }
            kept += 1
            out += visible(scalar)
        }
        return out
    }

    /// Encoded JSON with the characters encoders leave raw (they escape only U+0000–U+001F) but a
    /// terminal acts on, DEL, C1 controls and bidi overrides, written as `\uXXXX`. Such characters
    /// can only be inside strings, where the escape means the same character: the JSON stays equal.
    public static func json(_ encoded: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in encoded.unicodeScalars {
            if isHidden(scalar), scalar.value > 0x1F {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Control characters and the characters that reorder a line.
    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func visible(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x1B: return "\\e"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case _ where isHidden(scalar):
            return "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        default:
            return String(scalar)
        }
    }
}
