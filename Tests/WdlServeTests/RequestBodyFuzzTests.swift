import Foundation
@testable import WdlServe
import WideDeep
import XCTest

/// Mutated and truncated request bodies (a bounded, seeded run): the body readers never crash,
/// either refuse with a `RequestError` or give lines that the data reader reads as exactly one
/// data row per request row.
final class RequestBodyFuzzTests: XCTestCase {
    private func schema() throws -> DataSchema {
        var config = RunConfig()
        config.data.label = "y"
        config.features.categorical = ["a", "b"]
        config.features.multiValued = ["tags": "|"]
        config.features.numeric = ["x"]
        config.features.ignore = ["id"]
        return try DataSchema(config: config)
    }

    func testMutatedJSONBodies() throws {
        let schema = try schema()
        let columns = RequestColumns(schema: schema)
        let seed = Array("""
            {"rows": [{"a": "v1", "b": "x,y", "x": -1.5e3, "tags": ["t1", "t2"], "y": "1"},
                      {"a": "\\"q\\" \\u00e9\\ud83d\\ude00", "x": null, "id": 7, "tags": "p|q"}, {}, {"b": "  s  ", "x": "2"}]}
            """.utf8)
        let significant = Array("{}[]\",:\\ 0123456789-+.eEtrufalsn\t\n".utf8) + [0x80, 0xC3, 0xFF, 0]
        var generator = SeededGenerator(seed: 2024)
        var accepted = 0, refused = 0
        for _ in 0..<4000 {
            var body = seed
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let at = Int(generator.next() % UInt64(body.count))
                switch generator.next() % 4 {
                case 0: body[at] = significant[Int(generator.next() % UInt64(significant.count))]
                case 1: body.insert(significant[Int(generator.next() % UInt64(significant.count))], at: at)
                case 2: if body.count > 1 { body.remove(at: at) }
                default: body.removeSubrange(at...)
                }
                if body.isEmpty { body = [123] }
            }
            do {
                let lines = try JSONRows(columns: columns, maxRows: 100).lines(from: body)
                accepted += 1
                guard lines.rows > 0 else { continue }
                var reader = DatasetReader(schema: schema, strict: true)
                reader.purpose = .prediction
                if let raw = try? reader.parse(bytes: lines.bytes, file: "request") {
                    XCTAssertEqual(raw.count, lines.rows, "one data row per request row: \(String(decoding: body, as: UTF8.self))")
                }
            } catch {
                refused += 1
                XCTAssertFalse(error.message.isEmpty)
            }
        }
        XCTAssertGreaterThan(accepted, 50, "some mutations stay valid")
        XCTAssertGreaterThan(refused, 1000)
    }

    func testMutatedCSVBodies() throws {
        let columns = RequestColumns(schema: try schema())
        let seed = Array("a,b,x,tags\nv1,\"x,y\",1.5,t1|t2\n,,,\nv2,\"q\"\"\",-2,\n".utf8)
        let significant = Array(",\"\n\r |ab1.".utf8) + [0xEF, 0xBB, 0xBF, 0xFF]
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<3000 {
            var body = seed
            let at = Int(generator.next() % UInt64(body.count))
            switch generator.next() % 3 {
            case 0: body[at] = significant[Int(generator.next() % UInt64(significant.count))]
            case 1: body.insert(significant[Int(generator.next() % UInt64(significant.count))], at: at)
            default: body.removeSubrange(at...)
            }
            _ = try? CSVBody(columns: columns).prepare(body)
        }
    }
}
