/// Turns strings into single-column scalars for the cell grid, and truncates them cleanly.
///
/// Every cell holds one scalar, so text is reduced to one scalar per `Character` (combining marks
/// dropped). Control characters (C0, DEL, C1), bidirectional overrides and other invisible format
/// characters, and East Asian wide characters would break the grid or the terminal, so they are
/// shown as `?`; names in CTR data are almost always ASCII, and a wrong glyph is better than a
/// misaligned panel or text reordered by a run name. `displayable` is the one gate: the buffer's
/// writes and the renderer (for every cell sent) both go through it.
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

    /// `text` cut to at most `width` columns by dropping its middle (`…` in its place): both ends
    /// of a path stay, where the folder and the file (`best` or `step-N`) are told apart.
    public static func truncateMiddle(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        guard width > 2 else { return truncate(text, to: width) }
        let tail = (width - 1) / 2 + (width - 1) % 2, head = width - 1 - tail
        return String(text.prefix(head)) + "…" + String(text.suffix(tail))
    }

    /// `text` in at most `width` columns; when too long, its longest path (a word with a `/`) is
    /// cut in the middle first, then what is still too long at the end.
    public static func fitKeepingPaths(_ text: String, to width: Int) -> String {
        guard text.count > width, width > 0 else { return text }
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard let longest = words.indices.filter({ words[$0].contains("/") }).max(by: { words[$0].count < words[$1].count })
        else { return truncate(text, to: width) }
        var shortened = words
        let path = words[longest]
        let target = path.count - (text.count - width)
        let name = path.lastIndex(of: "/").map { path[$0...] } ?? path[...]
        if name.count + 4 <= target {
            // The folder loses its middle; the file name stays whole.
            shortened[longest] = String(path.prefix(target - 1 - name.count)) + "…" + name
        } else if name.count + 2 <= width, longest == words.count - 1 {
            // The path (the last word) cannot take the whole cut: the words' start, then the file
            // name whole. Not for a path mid-text: its name would stand for the words after it.
            return String(text.prefix(width - 1 - name.count)) + "…" + name
        } else if target >= 7 {
            shortened[longest] = truncateMiddle(path, to: target)
        } else {
            return truncateMiddle(text, to: width)
        }
        return shortened.joined(separator: " ")
    }

    /// `text` truncated or padded with spaces to exactly `width` columns.
    public static func pad(_ text: String, to width: Int, alignRight: Bool = false) -> String {
        let cut = truncate(text, to: width)
        let fill = String(repeating: " ", count: max(0, width - cut.count))
        return alignRight ? fill + cut : cut + fill
    }

    /// `scalar`, or `?` when it must not reach the terminal as it is.
    public static func displayable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return "?" }
        if v < 0x300 { return scalar }
        if isWide(v) || isInvisible(scalar) { return "?" }
        return scalar
    }

    /// Bidi controls (U+202A–E, U+2066–9, U+200E/F, U+061C), zero-width and other format
    /// characters, and a lone combining mark: none takes a column, and the bidi ones reorder the
    /// text drawn after them.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .format, .nonspacingMark, .enclosingMark, .lineSeparator, .paragraphSeparator, .control,
             .surrogate, .privateUse, .unassigned:
            true
        default:
            false
        }
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
