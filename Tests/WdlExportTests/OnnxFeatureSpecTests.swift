import Foundation
import XCTest
@testable import WdlExport
@testable import WideDeep

/// The feature spec's JSON (version 2, docs/model.md "The feature spec, byte for byte") and the
/// per-row inputs `wdl predict --ids-out` writes, on the tiny model with a multi-valued field.
final class OnnxFeatureSpecTests: XCTestCase {
    private func spec(_ layout: FeatureLayout, mode: ModelMode = .wideDeep) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(OnnxFeatureSpec.json(layout, mode: mode)))
        return try XCTUnwrap(object as? [String: Any])
    }

    func testPlainVersionedJSON() throws {
        let (layout, _) = try TinyModel.load(TinyModel.config())
        let text = String(decoding: OnnxFeatureSpec.json(layout, mode: .wideDeep), as: UTF8.self)
        XCTAssertFalse(text.contains("\"_0\""), "Swift's enum encoding leaks: \(text)")
        let json = try spec(layout)
        XCTAssertEqual(json["format"] as? String, "wdl-feature-spec")
        XCTAssertEqual(json["version"] as? Int, 2)
        let csv = try XCTUnwrap(json["csv"] as? [String: Any])
        XCTAssertEqual(csv["delimiter"] as? String, ",")
        XCTAssertEqual(csv["format"] as? String, "csv")
        XCTAssertEqual(csv["label"] as? String, "label")
        let multi = try XCTUnwrap(json["multi_valued"] as? [[String: Any]])
        XCTAssertEqual(multi.first?["separator"] as? String, "|")
        XCTAssertEqual(multi.first?["table"] as? Int, 1, "tables: single-valued fields first")
        // TinyModel's crosses: color x tags, color x x1 (x1 bucketized at [0, 2]).
        let crosses = try XCTUnwrap(json["crosses"] as? [[String: Any]])
        let components = try XCTUnwrap(crosses[1]["components"] as? [[String: Any]])
        XCTAssertEqual(components[0] as NSDictionary, ["kind": "categorical", "table": 0, "field": "color"] as NSDictionary)
        XCTAssertEqual(components[1] as NSDictionary, ["kind": "bucket", "bucket": 0, "field": "x1"] as NSDictionary)
        // Two boundaries: buckets 0, 1, 2 and the missing bucket 3.
        let buckets = try XCTUnwrap(json["buckets"] as? [[String: Any]])
        XCTAssertEqual(buckets[0]["missing_bucket"] as? Int, 3)
        XCTAssertEqual(buckets[0]["hash_field"] as? String, "x1#bucket")
        let inputs = try XCTUnwrap(json["inputs"] as? [[String: Any]])
        XCTAssertEqual(inputs.map { $0["name"] as? String }, ["wide_ids", "embedding_rows", "multi_rows_0", "multi_lengths_0", "numeric"])
        XCTAssertEqual(inputs[0]["padding"] as? Int, 64, "wide ids pad with hash_buckets")
        XCTAssertEqual(inputs[2]["padding"] as? Int, layout.embeddingRows[1], "a bag pads with its table's extra zero row")
        XCTAssertEqual(try spec(layout, mode: .wide)["inputs"].flatMap { ($0 as? [[String: Any]])?.map { $0["name"] as? String } },
                       ["wide_ids"])
    }

    /// `missing` lists every field value the reader takes for missing: the empty field first, then
    /// the tokens of the model's own schema (saved in its checkpoint), as the exact strings (a
    /// backslash survives JSON); a checkpoint saved before `data.missing` existed gives `[""]`.
    func testMissingValuesAreTheCheckpointsTokens() throws {
        var (layout, _) = try TinyModel.load(TinyModel.config())
        XCTAssertEqual(try spec(layout)["missing"] as? [String], ["", "NA", "NaN", "nan", "null", "NULL", "\\N"])
        layout.schema.missing = ["?"]
        XCTAssertEqual(try spec(layout)["missing"] as? [String], ["", "?"])
        layout.schema.missing = nil
        XCTAssertEqual(try spec(layout)["missing"] as? [String], [""])
        layout.schema.missing = ["", "?"]  // a crafted checkpoint listing the empty field: once
        XCTAssertEqual(try spec(layout)["missing"] as? [String], ["", "?"])
        let text = String(decoding: OnnxFeatureSpec.json(layout, mode: .wideDeep), as: UTF8.self)
        XCTAssertTrue(text.contains(#"\#n  "missing": ["", "?"],\#n"#), text)
    }

    /// Boundaries, means and deviations come back from the JSON as the very same float64s, so an
    /// encoder comparing a float32 value with them decides as wdl does.
    func testNumbersRoundTripExactly() throws {
        var (layout, _) = try TinyModel.load(TinyModel.config())
        let boundaries = [Double(Float(3.14)), 0.1, 1e-7, 123_456.789, Double(Float(1) / 3), 2.5e20]
        layout.bucketizers[0].boundaries = boundaries
        layout.numeric[0].mean = 1 / 3.0
        layout.numeric[0].deviation = Double(Float(0.7))
        let json = try spec(layout)
        let read = try XCTUnwrap((json["buckets"] as? [[String: Any]])?.first?["boundaries"] as? [Double])
        XCTAssertEqual(read.map(\.bitPattern), boundaries.map(\.bitPattern))
        XCTAssertEqual(read[0], 3.140000104904175)
        let numeric = try XCTUnwrap((json["numeric"] as? [[String: Any]])?.first)
        XCTAssertEqual((numeric["mean"] as? Double)?.bitPattern, (1 / 3.0).bitPattern)
        XCTAssertEqual((numeric["deviation"] as? Double)?.bitPattern, Double(Float(0.7)).bitPattern)
    }

    /// The documented vectors were computed by an independent Python implementation of the formulas.
    func testHashTestVectorsMatchStableHash() {
        for v in OnnxFeatureSpec.testVectors {
            XCTAssertEqual(StableHash.value(field: v.field, v.value), v.hash, "\(v.field)=\(v.value)")
            XCTAssertEqual(StableHash.rehash(v.hash), v.rehash, "rehash \(v.field)=\(v.value)")
        }
        let components = [StableHash.value(field: "education", "Bachelors"), StableHash.value(field: "occupation", "Exec-managerial")]
        XCTAssertEqual(StableHash.cross(state: StableHash.crossState("education x occupation"), components: components),
                       OnnxFeatureSpec.crossTestVector)
    }

    /// The inputs written per row, read the way docs/model.md says the graph reads them (Σ of the
    /// wide ids' weights, padding weight 0; the mean of a bag's rows; numerics as they are), give
    /// the model's own logits; a missing multi-valued field is one value, duplicates are kept.
    func testIdsOutRowsGiveTheModelsLogits() throws {
        let config = TinyModel.config()
        let (layout, data) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        TinyModel.trainStep(model, data, rows: Array(0..<Int32(data.count)))
        let logits = model.predictAll(data, threads: 1)
        var probabilities = logits.map { 1 / (1 + exp(-$0)) }
        probabilities.insert(.nan, at: 2)  // a row that could not be parsed: an empty line
        let block = BatchPrediction.Block(probabilities: probabilities, encoded: data, encodedRows: 0..<data.count)
        let lines = String(decoding: OnnxFeatureSpec.lines(block), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, data.count + 2)
        XCTAssertEqual(lines[2], "")
        let rows = try lines.filter { !$0.isEmpty }.map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: [Double]])
        }
        // TinyModel's tags: a|b, b, a|c|c, (missing), c|a, b|b, c, a|b|c.
        XCTAssertEqual(rows.map { $0["multi_lengths_0"]?.first }, [2, 1, 3, 1, 2, 2, 1, 3])
        let width = rows.map { $0["wide_ids"]!.count }.max()!
        let d = layout.embeddingDim
        for (r, row) in rows.enumerated() {
            let ids = row["wide_ids"]!.map(Int.init) + Array(repeating: layout.hashBuckets, count: width - row["wide_ids"]!.count)
            var logit = Double(model.wide!.bias)
            for id in ids { logit += id == layout.hashBuckets ? 0 : Double(model.wide!.weight(id)) }
            var x: [Double] = []
            for (f, e) in row["embedding_rows"]!.enumerated() {
                x += (0..<d).map { Double(model.tables[f].values[Int(e) * d + $0]) }
            }
            let bag = row["multi_rows_0"]!.map(Int.init)
            x += (0..<d).map { k in bag.reduce(0.0) { $0 + Double(model.tables[1].values[$1 * d + k]) } / Double(bag.count) }
            x += row["numeric"]!
            for layer in model.layers {
                x = (0..<layer.outputs).map { o in
                    let z = (0..<layer.inputs).reduce(Double(layer.bias[o])) { $0 + x[$1] * Double(layer.weight[$1 * layer.outputs + o]) }
                    return layer.relu ? max(0, z) : z
                }
            }
            logit += x[0]
            XCTAssertEqual(logit, Double(logits[r]), accuracy: 1e-4, "row \(r)")
        }
    }
}
