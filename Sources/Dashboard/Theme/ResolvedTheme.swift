/// A theme turned into terminal colours for one colour tier, computed once when the theme or the
/// terminal changes so each frame only looks colours up.
public struct ResolvedTheme: Sendable {
    public let name: String
    public let tier: ColorTier
    /// True when no colour is used: a monochrome theme, `NO_COLOR`, or a terminal without colour.
    public let monochrome: Bool
    private let roleColors: [TerminalColor]
    private let gradientColors: [TerminalColor]

    public init(theme: Theme, tier: ColorTier, forceMonochrome: Bool = false) {
        name = theme.name
        self.tier = tier
        monochrome = forceMonochrome || theme.monochrome || tier == .none
        let background = theme[.background].resolved(for: tier)
        roleColors = ColorRole.allCases.map { role in
            let color = theme[role].resolved(for: tier)
            guard role != .background, tier == .palette8 else { return color }
            return ResolvedTheme.visible(color, of: theme[role], against: background)
        }
        gradientColors = ResolvedTheme.gradient(theme).map { color in
            guard let color else { return .default }
            let resolved = ThemeColor.rgb(color).resolved(for: tier)
            return tier == .palette8 ? ResolvedTheme.visible(resolved, of: .rgb(color), against: background) : resolved
        }
    }

    /// With 8 colours a dark grey border and a near-black background both become black: such a
    /// colour takes another one, so no role vanishes into the background. A grey stays neutral
    /// (white on black, black on white); a colour takes the nearest of the other seven.
    static func visible(_ color: TerminalColor, of wanted: ThemeColor, against background: TerminalColor) -> TerminalColor {
        guard color == background, case .indexed(let taken) = background, let rgb = wanted.rgbValue else { return color }
        let channels = [rgb.red, rgb.green, rgb.blue]
        let isGrey = Int(channels.max()!) - Int(channels.min()!) < 48
        if isGrey && (taken == 0 || taken == 7) { return .indexed(taken == 0 ? 7 : 0) }
        return .indexed(rgb.nearest8(excluding: taken))
    }

    /// The start → mid → end gradient in `ColorRef.gradientSteps` RGB steps (nil where a stop is
    /// the terminal default, which cannot be blended).
    static func gradient(_ theme: Theme) -> [RGB?] {
        let start = theme[.gradientStart].rgbValue, mid = theme[.gradientMid].rgbValue
        let end = theme[.gradientEnd].rgbValue
        let steps = ColorRef.gradientSteps
        return (0..<steps).map { step in
            let t = Double(step) / Double(steps - 1)
            guard let start, let mid, let end else { return start ?? mid ?? end }
            return t < 0.5 ? start.mixed(with: mid, t * 2) : mid.mixed(with: end, (t - 0.5) * 2)
        }
    }

    public func color(_ ref: ColorRef) -> TerminalColor {
        switch ref {
        case .role(let role): roleColors[role.rawValue]
        case .gradient(let step): gradientColors[min(Int(step), gradientColors.count - 1)]
        case .rgb(let rgb): ThemeColor.rgb(rgb).resolved(for: tier)
        }
    }

    /// The terminal style for a cell style.
    public func style(_ style: CellStyle) -> TerminalStyle {
        guard monochrome else {
            return TerminalStyle(foreground: color(style.foreground),
                                 background: color(style.background), attributes: style.attributes)
        }
        var attributes = style.attributes
        if case .role(let role) = style.foreground { attributes.formUnion(role.monochromeAttributes) }
        if case .role(let role) = style.background, role != .background {
            // Any coloured background (selection, status badges) shows as reverse video.
            attributes.insert(.reverse)
            attributes.remove(.dim)
        }
        return TerminalStyle(attributes: attributes)
    }
}
