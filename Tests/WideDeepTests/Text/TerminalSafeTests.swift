import Foundation
import XCTest
@testable import WideDeep

/// The one escaping function of human-readable output: what the audit's hostile values become.
final class TerminalSafeTests: XCTestCase {
    func testControlAndBidiCharactersBecomeVisibleEscapes() {
        XCTAssertEqual(TerminalSafe.escape("a\u{1B}]0;title\u{07}b"), "a\\e]0;title\\u{7}b")  // OSC
        XCTAssertEqual(TerminalSafe.escape("\u{1B}[2J"), "\\e[2J")  // CSI
        XCTAssertEqual(TerminalSafe.escape("x\u{9B}1m"), "x\\u{9B}1m")  // C1 CSI
        XCTAssertEqual(TerminalSafe.escape("abc\u{202E}def"), "abc\\u{202E}def")  // RTL override
        XCTAssertEqual(TerminalSafe.escape("a\nb\tc\r\u{7F}"), "a\\nb\\tc\\r\\u{7F}")
        XCTAssertEqual(TerminalSafe.escape("Bachelors-São Paulo"), "Bachelors-São Paulo")
    }

    func testLongValuesAreCut() {
        let long = String(repeating: "x", count: 10_000_000)
        XCTAssertEqual(TerminalSafe.escape(long, maxCharacters: 5), "xxxxx…")
        XCTAssertEqual(TerminalSafe.escape(long).count, TerminalSafe.defaultMaxCharacters + 1)
        XCTAssertEqual(TerminalSafe.escape("12345", maxCharacters: 5), "12345")
    }

    func testErrorsAreEscapedWhereverTheyArePrinted() {
        let data = DataError(file: "/tmp/\u{1B}[31mred\nname.csv", line: 3, column: "c\u{202E}", "value '\u{1B}]0;x\u{07}'")
        XCTAssertEqual(data.description, "/tmp/\\e[31mred\\nname.csv:3: column 'c\\u{202E}': value '\\e]0;x\\u{7}'")
        XCTAssertEqual(ConfigError(file: "a\u{1B}.yaml", line: 2, "bad").description, "a\\e.yaml:2: bad")
        XCTAssertEqual(CheckpointError(path: "m\n.safetensors", "x").description, "m\\n.safetensors: x")
        XCTAssertLessThan(DataError(file: "f", String(repeating: "y", count: 200_000)).description.count, 1100)
    }

    /// JSON encoders escape only U+0000–U+001F; DEL, C1 and bidi overrides must not reach a
    /// terminal raw, and the escaped text must decode to the same value.
    func testJSONEscapesWhatEncodersLeaveRaw() throws {
        let hostile = "a\u{1B}[2J\u{7F}\u{85}\u{9B}\u{202E}\u{2066}é"
        let encoded = String(decoding: try JSONSerialization.data(withJSONObject: ["name": hostile]), as: UTF8.self)
        XCTAssertTrue(encoded.unicodeScalars.contains("\u{202E}"))  // the encoder's own output is raw
        let safe = TerminalSafe.json(encoded)
        XCTAssertEqual(safe, #"{"name":"a\u001b[2J\u007F\u0085\u009B\u202E\u2066é"}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(safe.utf8)) as? [String: String]
        XCTAssertEqual(decoded?["name"], hostile)
        // Pretty-printed JSON keeps its own line breaks.
        XCTAssertEqual(TerminalSafe.json("{\n  \"a\" : 1\n}"), "{\n  \"a\" : 1\n}")
    }
}
