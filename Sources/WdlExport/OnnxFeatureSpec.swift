import Foundation
import WideDeep

/// What turns a raw row into the ONNX graph's inputs, as plain versioned JSON beside the model
/// (`*.features.json`): the CSV rules, every fitted value (columns, bucket boundaries and missing
/// buckets, numeric means and deviations, embedding rows per field, the field values read as
/// missing), the hash with test vectors and the inputs' names and shapes. docs/model.md ("The
/// feature spec, byte for byte") says what each part means; `wdl predict --ids-out` writes the
/// inputs it describes, row by row.
public enum OnnxFeatureSpec {
    /// 1: the checkpoint layout's Codable form; 2: this plain form, with multi-valued fields (and,
    /// added before any release, `missing`: a version-2 spec without it means only the empty field).
    public static let version = 2
    public static let format = "wdl-feature-spec"

    /// Hash test vectors, computed with an independent Python implementation of the documented
    /// formulas (docs/model.md lists the same): field, value, valueHash, rehash(valueHash).
    static let testVectors: [(field: String, value: String, hash: UInt64, rehash: UInt64)] = [
        ("workclass", "Private", 0xd409_14f0_67d3_4ec4, 0x864a_fe4c_7288_0af4),
        ("C1", "", 0xc02f_77d5_5048_ccee, 0xf683_f45f_b063_ca33),
        ("age#bucket", "3", 0x14c8_14cd_2128_a6cb, 0x9cea_bdfc_3d2d_fc9b),
        ("tags", "café", 0x9eab_0481_b218_8c75, 0x8757_e5b8_3a20_10aa),
    ]
    /// crossHash("education x occupation", education=Bachelors, occupation=Exec-managerial).
    static let crossTestVector: UInt64 = 0xbccf_a416_39d9_da83

    public static func json(_ layout: FeatureLayout, mode: ModelMode) -> [UInt8] {
        Array((document(layout, mode: mode).text() + "\n").utf8)
    }

    public static func document(_ layout: FeatureLayout, mode: ModelMode) -> PlainJSON {
        let output: PlainJSON = .object([("name", .string("probability")), ("type", .string("float32")),
                                         ("shape", .array([.string("N"), .int(1)]))])
        return .object([
            ("format", .string(format)),
            ("version", .int(version)),
            ("csv", csv(layout.schema)),
            ("missing", .array(missingValues(layout.schema).map { .string($0) })),
            ("hash_buckets", .int(layout.hashBuckets)),
            ("embedding_dim", .int(layout.embeddingDim)),
            ("categorical", .array(categorical(layout))),
            ("multi_valued", .array(multiValued(layout))),
            ("numeric", .array(layout.numeric.map(numeric))),
            ("buckets", .array(zip(layout.bucketizers, layout.bucketColumns).map(bucket))),
            ("crosses", .array(layout.crosses.map { cross(layout, $0) })),
            ("inputs", .array(OnnxModel.inputs(layout, mode: mode).map(\.json))),
            ("output", output),
            ("hash", hash),
        ])
    }

    private static func categorical(_ layout: FeatureLayout) -> [PlainJSON] {
        layout.schema.categorical.enumerated().map { f, name -> PlainJSON in
            .object([("name", .string(name)), ("table", .int(f)), ("embedding_rows", .int(layout.embeddingRows[f]))])
        }
    }

    private static func multiValued(_ layout: FeatureLayout) -> [PlainJSON] {
        let singles = layout.schema.categorical.count
        return layout.schema.multiValued.enumerated().map { m, field -> PlainJSON in
            let separator = String(decoding: [field.separator], as: UTF8.self)
            return .object([("name", .string(field.name)), ("table", .int(singles + m)), ("separator", .string(separator)),
                            ("embedding_rows", .int(layout.embeddingRows[singles + m]))])
        }
    }

    private static func numeric(_ t: NumericTransform) -> PlainJSON {
        .object([("name", .string(t.name)), ("log", .bool(t.logarithm)), ("mean", .double(t.mean)),
                 ("deviation", .double(t.deviation))])
    }

    private static func bucket(_ b: Bucketizer, column: Int) -> PlainJSON {
        let boundaries: [PlainJSON] = b.boundaries.map { .double($0) }
        return .object([("name", .string(b.name)), ("numeric", .int(column)), ("hash_field", .string("\(b.name)#bucket")),
                        ("boundaries", .array(boundaries)), ("missing_bucket", .int(b.missingBucket))])
    }

    private static func cross(_ layout: FeatureLayout, _ cross: FeatureLayout.Cross) -> PlainJSON {
        let components = cross.components.map { component -> PlainJSON in
            switch component {
            case .categorical(let f):
                return .object([("kind", .string("categorical")), ("table", .int(f)),
                                ("field", .string(layout.schema.allCategorical[f]))])
            case .bucket(let b):
                return .object([("kind", .string("bucket")), ("bucket", .int(b)), ("field", .string(layout.bucketizers[b].name))])
            }
        }
        return .object([("name", .string(cross.name)), ("components", .array(components))])
    }

    private static func csv(_ schema: DataSchema) -> PlainJSON {
        .object([
            ("format", .string(schema.format.rawValue)),
            ("delimiter", .string(String(decoding: [schema.delimiter], as: UTF8.self))),
            ("header", .bool(schema.format == .csv)),
            ("trim_spaces", .bool(schema.format == .csv)),
            ("label", .string(schema.labelColumn)),
        ])
    }

    /// Every field value the reader takes for missing: the empty field first, then the schema's
    /// tokens (none in a checkpoint saved before `data.missing` existed: then only the empty field).
    static func missingValues(_ schema: DataSchema) -> [String] {
        [""] + (schema.missing ?? []).filter { !$0.isEmpty }
    }

    private static func hex(_ v: UInt64) -> PlainJSON { .string("0x" + String(v, radix: 16)) }

    private static var hash: PlainJSON {
        var vectors = testVectors.map { v -> PlainJSON in
            .object([("field", .string(v.field)), ("value", .string(v.value)), ("value_hash", hex(v.hash)), ("rehash", hex(v.rehash))])
        }
        vectors.append(.object([("cross", .string("education x occupation")),
                                ("components", .array([.string("education=Bachelors"), .string("occupation=Exec-managerial")])),
                                ("cross_hash", hex(crossTestVector))]))
        return .object([
            ("fnv_offset_basis", hex(StableHash.fnvOffsetBasis)),
            ("fnv_prime", hex(StableHash.fnvPrime)),
            ("field_separator", hex(UInt64(StableHash.fieldSeparator))),
            ("cross_separator", hex(UInt64(StableHash.crossSeparator))),
            ("rehash_xor", hex(0x9e37_79b9_7f4a_7c15)),
            ("max_cross_ids", .int(FeatureEncoder.maxCrossIds)),
            ("test_vectors", .array(vectors)),
        ])
    }

    /// One JSON object per parsed row of `block` with the graph's inputs for that row
    /// (`wide_ids`, `embedding_rows`, `multi_rows_<k>` and `multi_lengths_<k>`, `numeric`;
    /// unpadded: a multi-valued model's rows differ in width), and an empty line for a row that
    /// could not be parsed, so line i belongs to data row i as in the predictions.
    public static func lines(_ block: BatchPrediction.Block) -> [UInt8] {
        let data = block.encoded
        var row = block.encodedRows.lowerBound
        var out = ""
        func list<T>(_ values: ArraySlice<T>) -> String { "[" + values.map { "\($0)" }.joined(separator: ",") + "]" }
        for p in block.probabilities {
            guard !p.isNaN else { out += "\n"; continue }
            var members = ["\"wide_ids\":" + list(data.wideIds[Int(data.wideOffsets[row])..<Int(data.wideOffsets[row + 1])]),
                           "\"embedding_rows\":" + list(data.embeddingRows[row * data.singleFields..<(row + 1) * data.singleFields])]
            for (m, offsets) in data.multiOffsets.enumerated() {
                let values = Int(offsets[row])..<Int(offsets[row + 1])
                members.append("\"multi_rows_\(m)\":" + list(data.multiRows[m][values]))
                members.append("\"multi_lengths_\(m)\":[\(values.count)]")
            }
            members.append("\"numeric\":" + list(data.numeric[row * data.numericCount..<(row + 1) * data.numericCount]))
            out += "{" + members.joined(separator: ",") + "}\n"
            row += 1
        }
        return Array(out.utf8)
    }
}
