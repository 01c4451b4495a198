import Foundation

/// A trained model as an ONNX graph (opset 17), written by hand with `ProtobufWriter` (field
/// numbers from onnx.proto). Inputs, for N rows:
/// - `wide_ids` int64 [N, K]: each row's hashed wide ids (`wdl predict --ids-out`), K =
///   categorical fields + bucketized numerics + crosses;
/// - `embedding_rows` int64 [N, F]: each single-valued field's embedding row;
/// - `numeric` float [N, M]: the standardized numerics.
/// Output `probability` float [N, 1]. The graph: Gather → ReduceSum + bias (wide);
/// Gather per field → Concat with the numerics → Gemm (+ Relu) per layer (deep); Add → Sigmoid.
/// A model trained on negative-downsampled rows adds ln r (`sampling_log_rate`) to the logit
/// before the Sigmoid, so the graph's probabilities are corrected as wdl's own are (`Calibration`).
/// Multi-valued fields (a variable number of ids per row) are refused.
public enum OnnxModel {
    public static let opset: Int64 = 17
    /// The IR version of ONNX 1.12, the first release with opset 17.
    static let irVersion: Int64 = 8

    /// Why a model cannot be exported, if it cannot.
    public static func refusal(_ layout: FeatureLayout) -> String? {
        layout.schema.multiValued.isEmpty ? nil
            : "multi-valued fields (\(layout.schema.multiValued.map(\.name).joined(separator: ", "))) have a variable number of ids per row; ONNX export supports single-valued fields only"
    }

    /// The model's bytes.
    public static func encoded(_ model: WideDeepModel, calibration: Calibration = .none) throws -> [UInt8] {
        let layout = model.layout
        if let refusal = refusal(layout) { throw DataError(file: "model", refusal) }
        var graph = GraphBuilder()
        var logits: [String] = []
        if let wide = model.wide {
            let weights = (0..<wide.size).map { wide.weight($0) }
            graph.initializer("wide_weights", dims: [Int64(wide.size)], floats: weights)
            graph.initializer("wide_bias", dims: [1], floats: [wide.bias])
            graph.initializer("axis_1", dims: [1], ints: [1])
            graph.input("wide_ids", int64: true, width: wideWidth(layout))
            graph.node("Gather", ["wide_weights", "wide_ids"], ["wide_terms"])
            graph.node("ReduceSum", ["wide_terms", "axis_1"], ["wide_sum"], ints: ["keepdims": 1])
            graph.node("Add", ["wide_sum", "wide_bias"], ["wide_logit"])
            logits.append("wide_logit")
        }
        if model.mode.hasDeep {
            var pieces: [String] = []
            let fields = layout.schema.categorical
            if !fields.isEmpty { graph.input("embedding_rows", int64: true, width: fields.count) }
            for (f, table) in model.tables.enumerated() {
                graph.initializer("field_\(f)", dims: [], ints: [Int64(f)])
                graph.initializer("table_\(f)", dims: [Int64(table.rows), Int64(table.dim)], floats: table.values)
                graph.node("Gather", ["embedding_rows", "field_\(f)"], ["rows_\(f)"], ints: ["axis": 1])
                graph.node("Gather", ["table_\(f)", "rows_\(f)"], ["embedded_\(f)"])
                pieces.append("embedded_\(f)")
            }
            if !layout.numeric.isEmpty {
                graph.input("numeric", int64: false, width: layout.numeric.count)
                pieces.append("numeric")
            }
            graph.node("Concat", pieces, ["x0"], ints: ["axis": 1])
            for (l, layer) in model.layers.enumerated() {
                graph.initializer("w\(l)", dims: [Int64(layer.inputs), Int64(layer.outputs)], floats: layer.weight)
                graph.initializer("b\(l)", dims: [Int64(layer.outputs)], floats: layer.bias)
                let out = layer.relu ? "z\(l + 1)" : "x\(l + 1)"
                graph.node("Gemm", ["x\(l)", "w\(l)", "b\(l)"], [out])
                if layer.relu { graph.node("Relu", [out], ["x\(l + 1)"]) }
            }
            logits.append("x\(model.layers.count)")
        }
        if logits.count == 2 {
            graph.node("Add", logits, ["logit"])
        } else {
            graph.node("Identity", logits, ["logit"])
        }
        if calibration.logitOffset != 0 {
            graph.initializer("sampling_log_rate", dims: [1], floats: [Float(calibration.logitOffset)])
            graph.node("Add", ["logit", "sampling_log_rate"], ["calibrated_logit"])
            graph.node("Sigmoid", ["calibrated_logit"], ["probability"])
        } else {
            graph.node("Sigmoid", ["logit"], ["probability"])
        }

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

    /// Wide ids per row: one per single-valued categorical field, bucketized numeric and cross.
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

    mutating func initializer(_ name: String, dims: [Int64], ints: [Int64]) {
        initializers.message(5) { t in
            if !dims.isEmpty { t.packedInts(1, dims) }
            t.int(2, 7)  // DataType.INT64
            t.string(8, name)
            t.bytes(9, ints.withUnsafeBytes { Array($0) })
        }
    }

    mutating func input(_ name: String, int64: Bool, width: Int) {
        inputs.message(11) { Self.valueInfo(&$0, name: name, int64: int64, width: width) }
    }

    /// ValueInfoProto of a [N, width] tensor, N symbolic.
    static func valueInfo(_ v: inout ProtobufWriter, name: String, int64: Bool, width: Int) {
        v.string(1, name)
        v.message(2) { type in
            type.message(1) { tensor in
                tensor.int(1, int64 ? 7 : 1)
                tensor.message(2) { shape in
                    shape.message(1) { $0.string(2, "N") }
                    shape.message(1) { $0.int(1, Int64(width)) }
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
