import Foundation
import XCTest
@testable import WideDeep

/// The feature spec's JSON writer: what Foundation's parser reads back from it is what was written,
/// names with quotes, backslashes and control characters and float64s to the last bit included.
final class PlainJSONTests: XCTestCase {
    func testStringsAndNumbersReadBackAsWritten() throws {
        let name = "a \"quoted\" \\ name\twith\nlines\r\u{1}, é and 🎯"
        let numbers = [0.1, -2.5e-300, 1.7976931348623157e308, Double(Float(3.14)), 1e15, 123_456_789_012_345.0, -0.0]
        let value = PlainJSON.object([("name", .string(name)), ("numbers", .array(numbers.map { .double($0) })),
                                      ("count", .int(-7)), ("flag", .bool(false)),
                                      ("nested", .array([.object([("k", .array([.int(1), .string("x")]))])]))])
        let read = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(value.text().utf8)) as? [String: Any])
        XCTAssertEqual(read["name"] as? String, name)
        let back = try XCTUnwrap(read["numbers"] as? [Double])
        // -0.0 is written as 0 (equal as a number; no comparison or transform tells them apart).
        XCTAssertEqual(back.map(\.bitPattern), numbers.map { ($0 == 0 ? 0.0 : $0).bitPattern })
        XCTAssertEqual(read["count"] as? Int, -7)
        XCTAssertEqual(read["flag"] as? Bool, false)
        XCTAssertEqual(((read["nested"] as? [[String: Any]])?.first?["k"] as? [Any])?.count, 2)
    }

    func testKeysKeepTheirOrder() {
        let text = PlainJSON.object([("zeta", .int(1)), ("alpha", .int(2))]).text()
        XCTAssertEqual(text, #"{"zeta": 1, "alpha": 2}"#)
    }
}
