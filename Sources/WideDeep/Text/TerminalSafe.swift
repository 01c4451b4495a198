/// Makes text from files (category values, file names, header lines) safe to print on a terminal
/// outside the dashboard: control characters (C0, DEL, C1) and bidirectional overrides would
/// otherwise move the cursor, retitle the window or reorder the line, so they are written as
/// visible escapes (`\e`, `\n`, `\u{202E}`). Long values are cut, so that a 10 MB line does not
/// come back in a message. Every human-readable output uses this one function; JSON outputs
/// escape through their encoder instead.
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

    private static func visible(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x1B: return "\\e"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069:
            return "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        default:
            return String(scalar)
        }
    }
}
