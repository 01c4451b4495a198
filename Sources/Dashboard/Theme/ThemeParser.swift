/// Reads the `key = value` theme format described in `themes/README.md`.
///
/// - One `key = value` per line; blank lines and lines starting with `#` are ignored; a `#` after
///   whitespace following the value starts a comment (`text = #d0d4dc  # soft white`).
/// - Colour values: `#RRGGBB`, a palette index `0`…`255`, a name (`red`, `bright_blue`, …) or
///   `default`. `monochrome` takes `yes`/`no`/`true`/`false`.
/// - Keys not given come from `base` (the built-in default theme).
public enum ThemeParser {
    /// Parses `text`; `file` names the source in error messages.
    public static func parse(_ text: String, name: String, file: String,
                             base: Theme? = Theme.builtinDefault) throws(ThemeError) -> Theme {
        var theme = base ?? Theme(name: name)
        theme.name = name
        var seen = Set<String>()
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ThemeError(file: file, line: lineNumber,
                                 message: "missing '=' (expected key = value): \(line)")
            }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            let value = stripComment(line[line.index(after: equals)...]).trimmingWhitespace()
            guard !key.isEmpty else {
                throw ThemeError(file: file, line: lineNumber, message: "missing key before '='")
            }
            guard !value.isEmpty else {
                throw ThemeError(file: file, line: lineNumber, message: "missing value for '\(key)'")
            }
            guard seen.insert(key).inserted else {
                throw ThemeError(file: file, line: lineNumber, message: "duplicate key '\(key)'")
            }
            if key == "monochrome" {
                switch value.lowercased() {
                case "yes", "true", "on": theme.monochrome = true
                case "no", "false", "off": theme.monochrome = false
                default:
                    throw ThemeError(file: file, line: lineNumber,
                                     message: "bad value '\(value)' for monochrome (expected yes or no)")
                }
                continue
            }
            guard let role = ColorRole(key: key) else {
                throw ThemeError(file: file, line: lineNumber, message: "unknown key '\(key)'")
            }
            guard let color = ThemeColor(parsing: value) else {
                throw ThemeError(file: file, line: lineNumber, message:
                    "bad colour '\(value)' for \(key) (expected #RRGGBB, 0-255, a colour name or default)")
            }
            theme[role] = color
        }
        return theme
    }

    /// Cuts a trailing `# comment` that follows whitespace (a value's own `#` starts the value).
    private static func stripComment(_ text: Substring) -> Substring {
        var previousWasSpace = false
        var sawValue = false
        for index in text.indices {
            let character = text[index]
            if character == "#" && previousWasSpace && sawValue { return text[..<index] }
            previousWasSpace = character == " " || character == "\t"
            if !previousWasSpace { sawValue = true }
        }
        return text
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" {
            scalars.removeFirst()
        }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" {
            scalars.removeLast()
        }
        return String(scalars)
    }
}
