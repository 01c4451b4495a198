/// Bold, dim, reverse video and underline: the attributes every terminal has, and all that the
/// monochrome look uses.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
}

/// A colour as widgets name it: a theme role, a step of the theme's gradient, or a literal RGB
/// value. Roles are resolved to terminal colours only when a frame is sent, so switching themes
/// never re-runs the widgets' arithmetic.
public enum ColorRef: Hashable, Sendable {
    case role(ColorRole)
    /// Step `0..<ColorRef.gradientSteps` of the theme's start → mid → end gradient.
    case gradient(UInt8)
    case rgb(RGB)

    /// How many distinct gradient steps exist; resolved colours are precomputed for each.
    public static let gradientSteps = 32

    /// The gradient step for a position `fraction` in 0…1 (clamped; NaN gives the start).
    public static func gradient(fraction: Double) -> ColorRef {
        guard fraction.isFinite else { return .gradient(0) }
        let clamped = min(1, max(0, fraction))
        return .gradient(UInt8((clamped * Double(gradientSteps - 1)).rounded()))
    }
}

/// Foreground, background and attributes of one cell.
public struct CellStyle: Hashable, Sendable {
    public var foreground: ColorRef
    public var background: ColorRef
    public var attributes: TextAttributes

    public init(foreground: ColorRef = .role(.text), background: ColorRef = .role(.background),
                attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// Plain text on the theme background.
    public static let plain = CellStyle()

    /// Text in `role` on the theme background.
    public static func fg(_ role: ColorRole, _ attributes: TextAttributes = []) -> CellStyle {
        CellStyle(foreground: .role(role), attributes: attributes)
    }

    public func with(_ attributes: TextAttributes) -> CellStyle {
        var copy = self
        copy.attributes.formUnion(attributes)
        return copy
    }
}

/// One terminal cell: a single-column Unicode scalar and its style.
public struct Cell: Hashable, Sendable {
    public var scalar: Unicode.Scalar
    public var style: CellStyle

    public init(_ scalar: Unicode.Scalar, style: CellStyle = .plain) {
        self.scalar = scalar
        self.style = style
    }

    public static let blank = Cell(" ")
}
