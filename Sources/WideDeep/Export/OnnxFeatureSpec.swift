import Foundation

/// What turns a raw row into the ONNX graph's inputs, as JSON beside the model: the inputs'
/// order and meaning, the hash functions (docs/model.md) and the fitted layout (columns, label,
/// bucket boundaries, numeric means and deviations, embedding rows per field), as checkpoints
/// store it. `wdl predict --ids-out` writes the inputs this spec describes, row by row.
public enum OnnxFeatureSpec {
    public static func json(_ layout: FeatureLayout) throws -> [UInt8] {
        let layoutObject = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(layout))
        let spec: [String: Any] = [
            "inputs": [
                "wide_ids": "int64 [N, \(OnnxModel.wideWidth(layout))]: valueHash(field, value) mod hash_buckets for each categorical field (missing = empty string), each bucketized numeric (field '<name>#bucket', value = bucket index), then crossHash(name, component hashes) mod hash_buckets for each cross",
                "embedding_rows": "int64 [N, \(layout.schema.categorical.count)]: fmix64(valueHash ^ 0x9e3779b97f4a7c15) mod embedding_rows[field], in categorical order",
                "numeric": "float [N, \(layout.numeric.count)]: (transform(x) - mean) / deviation, missing = 0; transform is sign(x)*log1p(|x|) where log is set",
            ],
            "output": "probability float [N, 1]",
            "hash": "valueHash(field, value) = fmix64(FNV-1a-64(utf8(field) + 0x1F + utf8(value))); crossHash(name, h1..hk) = fmix64(FNV-1a-64(utf8(name) + 0x1E + le64(h1) + ... + le64(hk))); FNV-1a-64 offset 0xcbf29ce484222325, prime 0x100000001b3; fmix64 is MurmurHash3's 64-bit finalizer",
            "layout": layoutObject,
        ]
        return [UInt8](try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys, .prettyPrinted]))
    }

    /// One JSON object per parsed row of `block`, `{"wide_ids": […], "embedding_rows": […],
    /// "numeric": […]}`, and an empty line for a row that could not be parsed, so line i belongs
    /// to data row i as in the predictions.
    public static func lines(_ block: BatchPrediction.Block) -> [UInt8] {
        let data = block.encoded
        var row = block.encodedRows.lowerBound
        var out = ""
        for p in block.probabilities {
            guard !p.isNaN else { out += "\n"; continue }
            let ids = data.wideIds[Int(data.wideOffsets[row])..<Int(data.wideOffsets[row + 1])].map { String($0) }
            let rows = data.embeddingRows[row * data.singleFields..<(row + 1) * data.singleFields].map { String($0) }
            let numeric = data.numeric[row * data.numericCount..<(row + 1) * data.numericCount].map { $0.description }
            out += "{\"wide_ids\":[\(ids.joined(separator: ","))],\"embedding_rows\":[\(rows.joined(separator: ","))],\"numeric\":[\(numeric.joined(separator: ","))]}\n"
            row += 1
        }
        return Array(out.utf8)
    }
}
