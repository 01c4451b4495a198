import XCTest
@testable import Dashboard
import WDLTestSupport

final class ThemeFileTests: XCTestCase {
    func testEveryThemeFileInTheRepositoryParses() throws {
        let directory = TestPaths.themesDirectory
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".theme") }
        XCTAssertGreaterThanOrEqual(files.count, 5)
        for file in files {
            let result = ThemeLibrary.loadFile(path: directory + "/" + file, name: String(file.dropLast(6)))
            if case .failure(let error) = result { XCTFail("\(error)") }
        }
        let library = ThemeLibrary.load(directory: directory)
        XCTAssertEqual(library.problems, [])
        for name in ["default", "light", "high-contrast", "monochrome", "nord"] {
            XCTAssertTrue(library.names.contains(name), name)
        }
        XCTAssertEqual(library.names.first, "default")
        XCTAssertTrue(library.theme(named: "monochrome").theme.monochrome)
    }

    func testDefaultThemeFileMatchesTheBuiltInOne() throws {
        let path = TestPaths.themesDirectory + "/default.theme"
        let theme = try ThemeLibrary.loadFile(path: path, name: "default").get()
        XCTAssertEqual(theme, Theme.builtinDefault)
    }

    func testEveryKeyIsDocumentedInTheReadme() throws {
        let readme = try String(contentsOfFile: TestPaths.themesDirectory + "/README.md", encoding: .utf8)
        for role in ColorRole.allCases { XCTAssertTrue(readme.contains("`\(role.key)`"), role.key) }
        XCTAssertTrue(readme.contains("`monochrome`"))
    }

    private func writeFixture(_ text: String, named name: String) throws -> (directory: URL, path: String) {
        let directory = try temporaryDirectory()
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return (directory, url.path)
    }

    private func assertFails(_ text: String, line: Int, containing fragment: String,
                             file: StaticString = #filePath, sourceLine: UInt = #line) throws {
        let fixture = try writeFixture(text, named: "broken.theme")
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        switch ThemeLibrary.loadFile(path: fixture.path, name: "broken") {
        case .success:
            XCTFail("expected a failure", file: file, line: sourceLine)
        case .failure(let error):
            XCTAssertEqual(error.file, fixture.path, file: file, line: sourceLine)
            XCTAssertEqual(error.line, line, file: file, line: sourceLine)
            XCTAssertTrue(error.message.contains(fragment), error.message, file: file, line: sourceLine)
            XCTAssertTrue(error.description.hasPrefix("\(fixture.path):\(line): "), error.description,
                          file: file, line: sourceLine)
        }
    }

    func testBadColourNamesFileAndLine() throws {
        try assertFails("# broken\nbackground = #000000\ntext = #12345\n", line: 3, containing: "bad colour '#12345'")
        try assertFails("text = 256\n", line: 1, containing: "bad colour")
        try assertFails("\n\ntitle = purple-ish\n", line: 3, containing: "bad colour")
    }

    func testUnknownKeyNamesFileAndLine() throws {
        try assertFails("text = #ffffff\nforeground = #000000\n", line: 2, containing: "unknown key 'foreground'")
    }

    func testMissingEqualsNamesFileAndLine() throws {
        try assertFails("# comment\n\nborder #ffffff\n", line: 3, containing: "missing '='")
    }

    func testMissingKeysFallBackToTheDefaultTheme() throws {
        let theme = try ThemeParser.parse("text = #ffffff  # white text\nbad = red\n", name: "partial", file: "partial.theme")
        XCTAssertEqual(theme[.text], .rgb(RGB(255, 255, 255)))
        XCTAssertEqual(theme[.bad], .index(1))
        XCTAssertEqual(theme[.background], Theme.builtinDefault[.background])
        XCTAssertEqual(theme[.gradientMid], Theme.builtinDefault[.gradientMid])
    }

    func testColourForms() {
        XCTAssertEqual(ThemeColor(parsing: "#FFaa00"), .rgb(RGB(255, 170, 0)))
        XCTAssertEqual(ThemeColor(parsing: "17"), .index(17))
        XCTAssertEqual(ThemeColor(parsing: "bright_blue"), .index(12))
        XCTAssertEqual(ThemeColor(parsing: "default"), .terminalDefault)
        XCTAssertNil(ThemeColor(parsing: "#ggg000"))
        XCTAssertNil(ThemeColor(parsing: "-1"))
    }

    func testMalformedFileFallsBackToDefaultWithAMessage() throws {
        let fixture = try writeFixture("text = #ffffff\noops\n", named: "wonky.theme")
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let library = ThemeLibrary.load(directory: fixture.directory.path)
        XCTAssertEqual(library.names, ["default"])
        XCTAssertEqual(library.problems.count, 1)
        let (theme, warning) = library.theme(named: "wonky")
        XCTAssertEqual(theme, Theme.builtinDefault)
        XCTAssertTrue(warning?.contains("wonky.theme:2") ?? false, warning ?? "no warning")
    }

    func testMissingDirectoryStillGivesTheBuiltInDefault() {
        let library = ThemeLibrary.load(directory: "/nonexistent/themes")
        XCTAssertEqual(library.names, ["default"])
        XCTAssertEqual(library.theme(named: "default").theme, Theme.builtinDefault)
        XCTAssertNil(library.theme(named: "default").warning)
    }

    func testThemeCyclingWraps() {
        let library = ThemeLibrary.load(directory: TestPaths.themesDirectory)
        var name = "default"
        var seen: [String] = []
        for _ in library.names {
            name = library.theme(after: name).name
            seen.append(name)
        }
        XCTAssertEqual(seen.last, "default")
        XCTAssertEqual(Set(seen), Set(library.names))
    }
}
