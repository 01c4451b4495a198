import Foundation
import WideDeep

/// A trained model as an ONNX graph (opset 17), written by hand with `ProtobufWriter` (field
/// numbers from onnx.proto). Inputs (`inputs(_:mode:)`, docs/model.md "The feature spec"), for N rows:
/// - `wide_ids` int64 [N, K]: each row's hashed wide ids, K = categorical fields + bucketized
///   numerics + crosses; with multi-valued fields K varies by row and a batch is padded with the
///   id `hash_buckets`, whose weight is 0;
/// - `embedding_rows` int64 [N, F]: each single-valued field's embedding row;
/// - `multi_rows_<k>` int64 [N, L] and `multi_lengths_<k>` int64 [N, 1]: the k-th multi-valued
///   field's embedding rows, padded with the all-zero row `embedding_rows`, and their count;
/// - `numeric` float [N, M]: the standardized numerics.
/// Output `probability` float [N, 1]. The graph: Gather → ReduceSum + bias (wide);
/// Gather per field (a multi-valued one: Gather × 1/length → ReduceSum, EmbeddingBag's mean) →
/// Concat with the numerics → Gemm (+ Relu) per layer (deep); Add → Sigmoid.
/// A model trained on negative-downsampled rows adds ln r (`sampling_log_rate`) to the logit
/// before the Sigmoid, so the graph's probabilities are corrected as wdl's own are (`Calibration`).
public enum OnnxModel {
    public static let opset: Int64 = 17
    /// The IR version of ONNX 1.12, the first release with opset 17.
    static let irVersion: Int64 = 8

    /// One input of the graph: int64 ids or float32 values, [N, width] (width nil: varies, the
    /// symbolic dimension `<name>_width`).
    public struct Input: Equatable, Sendable {
        public var name: String
        public var int64: Bool
        public var width: Int?
        /// The id or row that pads a row's list to the batch's widest (weight or embedding 0).
        public var padding: Int?
        /// The multi-valued field a `multi_*` input belongs to.
        public var field: String?

        var json: PlainJSON {
            var members: [(String, PlainJSON)] = [("name", .string(name)), ("type", .string(int64 ? "int64" : "float32")),
                                                   ("shape", .array([.string("N"), width.map { .int($0) } ?? .string("\(name)_width")]))]
            if let padding { members.append(("padding", .int(padding))) }
            if let field { members.append(("field", .string(field))) }
            return .object(members)
        }
    }

    /// The graph's inputs in order, as the feature spec lists them.
    public static func inputs(_ layout: FeatureLayout, mode: ModelMode) -> [Input] {
        let schema = layout.schema
        var inputs: [Input] = []
        if mode.hasWide {
            let padded = !schema.multiValued.isEmpty
            inputs.append(Input(name: "wide_ids", int64: true, width: padded ? nil : wideWidth(layout),
                                padding: padded ? layout.hashBuckets : nil))
        }
        guard mode.hasDeep else { return inputs }
        if !schema.categorical.isEmpty {
            inputs.append(Input(name: "embedding_rows", int64: true, width: schema.categorical.count))
        }
        for (m, field) in schema.multiValued.enumerated() {
            let rows = layout.embeddingRows[schema.categorical.count + m]
            inputs.append(Input(name: "multi_rows_\(m)", int64: true, width: nil, padding: rows, field: field.name))
            inputs.append(Input(name: "multi_lengths_\(m)", int64: true, width: 1, field: field.name))
        }
        if !layout.numeric.isEmpty { inputs.append(Input(name: "numeric", int64: false, width: layout.numeric.count)) }
        return inputs
    }

    /// The model's bytes.
    public static func encoded(_ model: WideDeepModel, calibration: Calibration = .none) throws -> [UInt8] {
        var graph = GraphBuilder()
        for input in inputs(model.layout, mode: model.mode) { graph.input(input) }
        var logits: [String] = []
        if let wide = model.wide { logits.append(wideLogit(wide, into: &graph)) }
        if model.mode.hasDeep { logits.append(deepLogit(model, into: &graph)) }
        probability(of: logits, calibration: calibration, into: &graph)

        var proto = ProtobufWriter()
        proto.int(1, irVersion)
        proto.string(2, "wdl")
        proto.message(7) { g in
            g.string(2, "wide_deep")
            graph.write(into: &g)
            g.message(12) { GraphBuilder.valueInfo(&$0, name: "probability", int64: false, width: 1) }
        }
        proto.message(8) { op in
            op.string(1, "")
            op.int(2, opset)
        }
        return proto.bytes
    }

    /// bias + Σ w over `wide_ids`; the weights get a trailing 0 at id `size`, the padding id.
    private static func wideLogit(_ wide: WideLinear, into graph: inout GraphBuilder) -> String {
        let weights = (0..<wide.size).map { wide.weight($0) } + [0]
        graph.initializer("wide_weights", dims: [Int64(weights.count)], floats: weights)
        graph.initializer("wide_bias", dims: [1], floats: [wide.bias])
        graph.initializer("axis_1", dims: [1], ints: [1], once: true)
        graph.node("Gather", ["wide_weights", "wide_ids"], ["wide_terms"])
        graph.node("ReduceSum", ["wide_terms", "axis_1"], ["wide_sum"], ints: ["keepdims": 1])
        graph.node("Add", ["wide_sum", "wide_bias"], ["wide_logit"])
        return "wide_logit"
    }

    /// Embeddings and numerics concatenated, through the dense layers to one logit.
    private static func deepLogit(_ model: WideDeepModel, into graph: inout GraphBuilder) -> String {
        let singles = model.layout.schema.categorical.count
        var pieces: [String] = []
        for (f, table) in model.tables.enumerated() {
            pieces.append(f < singles ? singleEmbedding(table, field: f, into: &graph)
                                      : meanEmbedding(table, field: f, multi: f - singles, into: &graph))
        }
        if !model.layout.numeric.isEmpty { pieces.append("numeric") }
        graph.node("Concat", pieces, ["x0"], ints: ["axis": 1])
        for (l, layer) in model.layers.enumerated() {
            graph.initializer("w\(l)", dims: [Int64(layer.inputs), Int64(layer.outputs)], floats: layer.weight)
            graph.initializer("b\(l)", dims: [Int64(layer.outputs)], floats: layer.bias)
            let out = layer.relu ? "z\(l + 1)" : "x\(l + 1)"
            graph.node("Gemm", ["x\(l)", "w\(l)", "b\(l)"], [out])
            if layer.relu { graph.node("Relu", [out], ["x\(l + 1)"]) }
        }
        return "x\(model.layers.count)"
    }

    /// Column `field` of `embedding_rows` looked up in its table: [N, dim].
    private static func singleEmbedding(_ table: EmbeddingTable, field f: Int, into graph: inout GraphBuilder) -> String {
        graph.initializer("field_\(f)", dims: [], ints: [Int64(f)])
        graph.initializer("table_\(f)", dims: [Int64(table.rows), Int64(table.dim)], floats: table.values)
        graph.node("Gather", ["embedding_rows", "field_\(f)"], ["rows_\(f)"], ints: ["axis": 1])
        graph.node("Gather", ["table_\(f)", "rows_\(f)"], ["embedded_\(f)"])
        return "embedded_\(f)"
    }

    /// The mean of a multi-valued field's embeddings, as wdl computes it (each row scaled by
    /// 1/length, then summed): the table gets a zero row at index `rows` for the padding.
    private static func meanEmbedding(_ table: EmbeddingTable, field f: Int, multi m: Int,
                                      into graph: inout GraphBuilder) -> String {
        graph.initializer("table_\(f)", dims: [Int64(table.rows + 1), Int64(table.dim)],
                          floats: table.values + [Float](repeating: 0, count: table.dim))
        graph.initializer("axes_2", dims: [1], ints: [2], once: true)
        graph.initializer("axis_1", dims: [1], ints: [1], once: true)
        graph.node("Gather", ["table_\(f)", "multi_rows_\(m)"], ["bag_\(f)"])                 // [N, L, dim]
        graph.node("Cast", ["multi_lengths_\(m)"], ["length_\(f)"], ints: ["to": 1])          // FLOAT, [N, 1]
        graph.node("Reciprocal", ["length_\(f)"], ["scale_\(f)"])
        graph.node("Unsqueeze", ["scale_\(f)", "axes_2"], ["scale3_\(f)"])                 // [N, 1, 1]
        graph.node("Mul", ["bag_\(f)", "scale3_\(f)"], ["scaled_\(f)"])
        graph.node("ReduceSum", ["scaled_\(f)", "axis_1"], ["embedded_\(f)"], ints: ["keepdims": 0])
        return "embedded_\(f)"
    }

    /// The logits summed, then the sigmoid as `probability`.
    /// The probability from the parts' logits; a model trained on negative-downsampled rows adds
    /// ln r to the logit first (`Calibration`).
    private static func probability(of logits: [String], calibration: Calibration, into graph: inout GraphBuilder) {
        graph.node(logits.count == 2 ? "Add" : "Identity", logits, ["logit"])
        if calibration.logitOffset != 0 {
            graph.initializer("sampling_log_rate", dims: [1], floats: [Float(calibration.logitOffset)])
            graph.node("Add", ["logit", "sampling_log_rate"], ["calibrated_logit"])
            graph.node("Sigmoid", ["calibrated_logit"], ["probability"])
        } else {
            graph.node("Sigmoid", ["logit"], ["probability"])
        }
    }

    /// Wide ids per row of a model without multi-valued fields: one per categorical field,
    /// bucketized numeric and cross.
    public static func wideWidth(_ layout: FeatureLayout) -> Int {
        layout.schema.categorical.count + layout.bucketColumns.count + layout.crosses.count
    }
}

/// Nodes, initializers and inputs of a graph being built, in order.
private struct GraphBuilder {
    private var nodes = ProtobufWriter()
    private var initializers = ProtobufWriter()
    private var inputs = ProtobufWriter()
    private var count = 0
    private var named: Set<String> = []

    mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], ints: [String: Int64] = [:]) {
        count += 1
        nodes.message(1) { n in
            for input in inputs { n.string(1, input) }
            for output in outputs { n.string(2, output) }
            n.string(3, "\(op.lowercased())_\(count)")
            n.string(4, op)
            for (name, value) in ints.sorted(by: { $0.key < $1.key }) {
                n.message(5) { a in
                    a.string(1, name)
                    a.int(3, value)
                    a.int(20, 2)  // AttributeType.INT
                }
            }
        }
    }

    mutating func initializer(_ name: String, dims: [Int64], floats: [Float]) {
        initializers.message(5) { t in
            if !dims.isEmpty { t.packedInts(1, dims) }
            t.int(2, 1)  // DataType.FLOAT
            t.string(8, name)
            t.bytes(9, floats.withUnsafeBytes { Array($0) })  // little-endian, as raw_data requires
        }
    }

    /// An int64 initializer; with `once`, a second one of the same name is not added.
    mutating func initializer(_ name: String, dims: [Int64], ints: [Int64], once: Bool = false) {
        guard named.insert(name).inserted || !once else { return }
        initializers.message(5) { t in
            if !dims.isEmpty { t.packedInts(1, dims) }
            t.int(2, 7)  // DataType.INT64
            t.string(8, name)
            t.bytes(9, ints.withUnsafeBytes { Array($0) })
        }
    }

    mutating func input(_ input: OnnxModel.Input) {
        inputs.message(11) { Self.valueInfo(&$0, name: input.name, int64: input.int64, width: input.width) }
    }

    /// ValueInfoProto of a [N, width] tensor, N symbolic, and the width too when nil.
    static func valueInfo(_ v: inout ProtobufWriter, name: String, int64: Bool, width: Int?) {
        v.string(1, name)
        v.message(2) { type in
            type.message(1) { tensor in
                tensor.int(1, int64 ? 7 : 1)
                tensor.message(2) { shape in
                    shape.message(1) { $0.string(2, "N") }
                    shape.message(1) { dim in
                        if let width { dim.int(1, Int64(width)) } else { dim.string(2, "\(name)_width") }
                    }
                }
            }
        }
    }

    func write(into graph: inout ProtobufWriter) {
        graph.append(nodes)
        graph.append(initializers)
        graph.append(inputs)
    }
}
