/// A theme turned into terminal colours for one colour tier, computed once when the theme or the
/// terminal changes so each frame only looks colours up.
public struct ResolvedTheme: Sendable {
    public let name: String
    public let tier: ColorTier
    /// True when no colour is used: a monochrome theme, `NO_COLOR`, or a terminal without colour.
    public let monochrome: Bool
    private let roleColors: [TerminalColor]
    /// Roles whose dark grey became white in 8 colours: drawn dim, so raw loss dots and borders
    /// stay quieter than the text.
    private let dimmedRoles: Set<ColorRole>
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
        dimmedRoles = tier == .palette8 ? Set(ColorRole.allCases.filter { role in
            guard role != .background, case .rgb(let rgb) = theme[role], ResolvedTheme.isGrey(rgb) else { return false }
            return (Int(rgb.red) + Int(rgb.green) + Int(rgb.blue)) / 3 < 160
        }) : []
        gradientColors = ResolvedTheme.gradient(theme).map { color in
            guard let color else { return .default }
            let resolved = ThemeColor.rgb(color).resolved(for: tier)
            return tier == .palette8 ? ResolvedTheme.visible(resolved, of: .rgb(color), against: background) : resolved
        }
    }

    /// A colour for an 8-colour terminal that keeps what the theme meant. A grey stays grey (black
    /// or white, whichever is nearer): the nearest of the eight turned the default theme's grey raw
    /// loss cyan, the validation's colour. No role takes the background's colour: a dark grey
    /// border on a near-black background both became black and the panels melted together, so the
    /// border turns white, and a colour takes the nearest of the other seven.
    static func visible(_ color: TerminalColor, of wanted: ThemeColor, against background: TerminalColor) -> TerminalColor {
        guard case .rgb(let rgb) = wanted else { return color }
        let taken: UInt8? = if case .indexed(let index) = background { index } else { nil }
        if isGrey(rgb) {
            let grey: UInt8 = (Int(rgb.red) + Int(rgb.green) + Int(rgb.blue)) / 3 < 128 ? 0 : 7
            return .indexed(grey == taken ? 7 - grey : grey)
        }
        guard color == background, let taken else { return color }
        return .indexed(rgb.nearest8(excluding: taken))
    }

    /// Channels within 48 of each other: a grey, however tinted.
    static func isGrey(_ rgb: RGB) -> Bool {
        let channels = [Int(rgb.red), Int(rgb.green), Int(rgb.blue)]
        return channels.max()! - channels.min()! < 48
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
            var attributes = style.attributes
            if case .role(let role) = style.foreground, dimmedRoles.contains(role) { attributes.insert(.dim) }
            return TerminalStyle(foreground: color(style.foreground),
                                 background: color(style.background), attributes: attributes)
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
