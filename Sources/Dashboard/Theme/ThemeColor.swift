/// A colour as written in a theme file: `#RRGGBB`, a palette index 0–255, a colour name, or
/// `default` (the terminal's own foreground/background).
public enum ThemeColor: Hashable, Sendable, CustomStringConvertible {
    case terminalDefault
    case rgb(RGB)
    case index(UInt8)

    /// Names accepted in theme files, mapped to the 16 base palette entries.
    public static let names: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6,
        "white": 7, "bright_black": 8, "gray": 8, "grey": 8, "bright_red": 9, "bright_green": 10,
        "bright_yellow": 11, "bright_blue": 12, "bright_magenta": 13, "bright_cyan": 14,
        "bright_white": 15,
    ]

    /// Parses a value; nil when it is none of the accepted forms.
    public init?(parsing text: String) {
        let value = text.lowercased()
        if value == "default" {
            self = .terminalDefault
        } else if value.hasPrefix("#") {
            let digits = value.dropFirst()
            guard digits.count == 6, digits.allSatisfy(\.isHexDigit), let hex = UInt32(digits, radix: 16)
            else { return nil }
            self = .rgb(RGB(hex: hex))
        } else if let number = Int(value) {
            guard (0...255).contains(number) else { return nil }
            self = .index(UInt8(number))
        } else if let index = ThemeColor.names[value] {
            self = .index(index)
        } else {
            return nil
        }
    }

    /// The RGB value (palette entries by xterm's defaults); nil for the terminal default.
    public var rgbValue: RGB? {
        switch self {
        case .terminalDefault: nil
        case .rgb(let rgb): rgb
        case .index(let index): RGB.xterm(index)
        }
    }

    /// The colour to send to a terminal of capability `tier`.
    public func resolved(for tier: ColorTier) -> TerminalColor {
        switch (self, tier) {
        case (_, .none), (.terminalDefault, _):
            return .default
        case (.rgb(let rgb), .trueColor):
            return .rgb(rgb)
        case (.rgb(let rgb), .palette256):
            return .indexed(rgb.nearest256)
        case (.rgb(let rgb), .palette8):
            return .indexed(rgb.nearest8)
        case (.index(let index), .trueColor):
            // Direct-colour terminals keep only the 8 ANSI numbers as palette entries.
            return index < 8 ? .indexed(index) : .rgb(RGB.xterm(index))
        case (.index(let index), .palette256):
            return .indexed(index)
        case (.index(let index), .palette8):
            if index < 8 { return .indexed(index) }
            if index < 16 { return .indexed(index - 8) }
            return .indexed(RGB.xterm(index).nearest8)
        }
    }

    public var description: String {
        switch self {
        case .terminalDefault: "default"
        case .rgb(let rgb): rgb.description
        case .index(let index): String(index)
        }
    }
}
