import XCTest
@testable import WideDeep

final class NumberParserTests: XCTestCase {
    private func parse(_ text: String) -> NumberParser.Result {
        Array(text.utf8).withUnsafeBufferPointer { NumberParser.parse($0) }
    }

    func testValues() {
        let cases: [(String, Double)] = [
            ("0", 0), ("7", 7), ("-7", -7), ("+7", 7), ("1.5", 1.5), ("-0.25", -0.25), (".5", 0.5), ("5.", 5),
            ("+.5", 0.5), ("1e3", 1000), ("1E3", 1000), ("2.5e-3", 0.0025), ("-4e+2", -400), ("007", 7),
            ("123456789", 123456789), ("0.1", 0.1), ("3.14159", 3.14159), ("1e22", 1e22), ("1e-300", 1e-300),
            // More digits than a UInt64 holds: the 20th digit on only scales.
            ("123456789012345678901234", 123456789012345678901234.0),
            ("0.000000000000000000000000001", 1e-27), ("1e-400", 0),
        ]
        for (text, expected) in cases {
            guard case .value(let v) = parse(text) else { XCTFail("\(text) should parse"); continue }
            XCTAssertEqual(v, expected, accuracy: abs(expected) * 1e-14, text)
        }
    }

    func testNotNumbers() {
        for text in ["", "-", "+", ".", "abc", "1.2.3", "1e", "1e+", "12a", "0x10", "1,5", "--1", "e5", "1 2", "nanx"] {
            XCTAssertEqual(parse(text), .notANumber, "'\(text)'")
        }
    }

    func testNaNAndInfinities() {
        for text in ["nan", "NaN", "-nan", "inf", "-inf", "+Inf", "Infinity", "-INFINITY", "1e400", "-1e999"] {
            XCTAssertEqual(parse(text), .notFinite, "'\(text)'")
        }
    }
}
