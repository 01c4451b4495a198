/// A 24-bit colour, and its nearest equivalents in the xterm 256- and 8-colour palettes.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// From `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(UInt8((hex >> 16) & 0xFF), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF))
    }

    public var hex: UInt32 { UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue) }

    public var description: String {
        let digits = String(hex, radix: 16)
        return "#" + String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// Linear interpolation towards `other` (`t` in 0…1).
    public func mixed(with other: RGB, _ t: Double) -> RGB {
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * min(1, max(0, t))).rounded())
        }
        return RGB(channel(red, other.red), channel(green, other.green), channel(blue, other.blue))
    }

    /// Squared distance in RGB space; good enough to pick a palette entry.
    func distance(to other: RGB) -> Int {
        let dr = Int(red) - Int(other.red), dg = Int(green) - Int(other.green)
        let db = Int(blue) - Int(other.blue)
        return dr * dr + dg * dg + db * db
    }

    // MARK: xterm palette

    /// xterm's default values for the 16 base colours.
    static let base16: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]
    /// Channel levels of the 6×6×6 colour cube (indices 16…231).
    static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The RGB value of xterm palette entry `index`.
    public static func xterm(_ index: UInt8) -> RGB {
        switch index {
        case 0..<16:
            return base16[Int(index)]
        case 16..<232:
            let i = Int(index) - 16
            return RGB(cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
        default:
            let level = UInt8(8 + 10 * (Int(index) - 232))
            return RGB(level, level, level)
        }
    }

    /// The closest entry of the colour cube or the grey ramp (16…255). The base 16 are skipped:
    /// terminals redefine them freely, the cube and ramp are fixed.
    public var nearest256: UInt8 {
        func nearestLevel(_ value: UInt8) -> Int {
            var best = 0
            for (index, level) in RGB.cubeLevels.enumerated()
            where abs(Int(level) - Int(value)) < abs(Int(RGB.cubeLevels[best]) - Int(value)) {
                best = index
            }
            return best
        }
        let r = nearestLevel(red), g = nearestLevel(green), b = nearestLevel(blue)
        let cubeIndex = 16 + 36 * r + 6 * g + b
        let cube = RGB(RGB.cubeLevels[r], RGB.cubeLevels[g], RGB.cubeLevels[b])
        let average = (Int(red) + Int(green) + Int(blue)) / 3
        let greyStep = min(23, max(0, (average - 8 + 5) / 10))
        let greyLevel = UInt8(8 + 10 * greyStep)
        let grey = RGB(greyLevel, greyLevel, greyLevel)
        return distance(to: grey) < distance(to: cube) ? UInt8(232 + greyStep) : UInt8(cubeIndex)
    }

    /// The closest of the 8 basic ANSI colours (by xterm's default values).
    public var nearest8: UInt8 { nearest8(excluding: nil) }

    /// The closest of the 8 basic ANSI colours other than `excluded`.
    public func nearest8(excluding excluded: UInt8?) -> UInt8 {
        var best: Int?
        for index in 0..<8 where index != excluded.map(Int.init) {
            if best.map({ distance(to: RGB.base16[index]) < distance(to: RGB.base16[$0]) }) ?? true { best = index }
        }
        return UInt8(best ?? 0)
    }
}
