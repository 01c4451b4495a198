import XCTest
@testable import Dashboard

final class ColorTests: XCTestCase {
    func testNearest256() {
        XCTAssertEqual(RGB(255, 0, 0).nearest256, 196)        // cube (5,0,0) = 16 + 180
        XCTAssertEqual(RGB(0x5f, 0x87, 0xaf).nearest256, 67)  // cube (1,2,3) = 16 + 36 + 12 + 3
        XCTAssertEqual(RGB(128, 128, 128).nearest256, 244)    // grey 8 + 10·12 = 128
        XCTAssertEqual(RGB(0, 0, 0).nearest256, 16)           // cube black beats grey 8
        XCTAssertEqual(RGB(0x15, 0x17, 0x1c).nearest256, 234) // near-black → grey 28
    }

    func testNearest8() {
        XCTAssertEqual(RGB(255, 0, 0).nearest8, 1)
        XCTAssertEqual(RGB(10, 10, 10).nearest8, 0)
        XCTAssertEqual(RGB(240, 240, 240).nearest8, 7)
    }

    /// In 8 colours a role that would match the background takes another colour: a dark grey
    /// border on a near-black background turns white (grey stays neutral), a dark blue turns
    /// blue, the nearest of the other seven ((16,32,64) to blue (0,0,238): 31,556; to black it
    /// would have been 5,376).
    func testEightColoursKeepRolesOffTheBackground() {
        var theme = Theme(name: "dark", filling: .rgb(RGB(0x15, 0x17, 0x1c)))
        theme[.border] = .rgb(RGB(0x3a, 0x40, 0x4c))
        theme[.highlight] = .rgb(RGB(16, 32, 64))
        theme[.text] = .rgb(RGB(0xd0, 0xd4, 0xdc))
        let resolved = ResolvedTheme(theme: theme, tier: .palette8)
        XCTAssertEqual(resolved.color(.role(.background)), .indexed(0))
        XCTAssertEqual(resolved.color(.role(.border)), .indexed(7))
        XCTAssertEqual(resolved.color(.role(.highlight)), .indexed(4))
        XCTAssertEqual(resolved.color(.role(.text)), .indexed(7), "a colour already visible is kept")
        XCTAssertEqual(ResolvedTheme(theme: theme, tier: .palette256).color(.role(.border)),
                       .indexed(RGB(0x3a, 0x40, 0x4c).nearest256), "256 colours are left alone")
    }

    func testXtermPaletteValues() {
        XCTAssertEqual(RGB.xterm(196), RGB(255, 0, 0))
        XCTAssertEqual(RGB.xterm(232), RGB(8, 8, 8))
        XCTAssertEqual(RGB.xterm(255), RGB(238, 238, 238))
    }

    func testResolvingForEachTier() {
        let color = ThemeColor.rgb(RGB(255, 0, 0))
        XCTAssertEqual(color.resolved(for: .trueColor), .rgb(RGB(255, 0, 0)))
        XCTAssertEqual(color.resolved(for: .palette256), .indexed(196))
        XCTAssertEqual(color.resolved(for: .palette8), .indexed(1))
        XCTAssertEqual(color.resolved(for: .none), .default)
        XCTAssertEqual(ThemeColor.index(9).resolved(for: .palette8), .indexed(1))
        XCTAssertEqual(ThemeColor.index(9).resolved(for: .trueColor), .rgb(RGB(255, 0, 0)))
    }

    func testMonochromeUsesAttributesOnly() {
        let resolved = ResolvedTheme(theme: Theme.builtinDefault, tier: .trueColor, forceMonochrome: true)
        XCTAssertTrue(resolved.monochrome)
        XCTAssertEqual(resolved.style(.fg(.title)), TerminalStyle(attributes: .bold))
        XCTAssertEqual(resolved.style(.fg(.dimText)), TerminalStyle(attributes: .dim))
        let selected = CellStyle(foreground: .role(.text), background: .role(.highlight))
        XCTAssertEqual(resolved.style(selected), TerminalStyle(attributes: .reverse))
        XCTAssertEqual(resolved.style(CellStyle(foreground: .gradient(5))), TerminalStyle())
    }

    func testColourTiersResolveThemeRoles() {
        let theme = Theme.builtinDefault
        let full = ResolvedTheme(theme: theme, tier: .trueColor)
        XCTAssertEqual(full.color(.role(.background)), .rgb(RGB(hex: 0x15171c)))
        let palette = ResolvedTheme(theme: theme, tier: .palette256)
        XCTAssertEqual(palette.color(.role(.background)), .indexed(234))
        XCTAssertTrue(ResolvedTheme(theme: theme, tier: .none).monochrome)
    }

    func testGradientRunsFromStartToEnd() {
        let resolved = ResolvedTheme(theme: Theme.builtinDefault, tier: .trueColor)
        XCTAssertEqual(resolved.color(.gradient(0)), .rgb(RGB(hex: 0x2f6f9f)))
        XCTAssertEqual(resolved.color(.gradient(UInt8(ColorRef.gradientSteps - 1))), .rgb(RGB(hex: 0xa6e38a)))
    }
}
