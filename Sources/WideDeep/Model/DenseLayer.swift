import Foundation

/// A fully connected layer `y = act(x·W + b)` with act = ReLU for hidden layers and identity for
/// the output layer. Shapes (B = batch): x [B × inputs], W [inputs × outputs], b [outputs],
/// y [B × outputs], all row-major. Initialized Glorot-uniform (TensorFlow's dense default),
/// bias zero.
/// Sendable: owned by its model; a region's tasks write disjoint rows or columns, the region's end orders them.
public final class DenseLayer: @unchecked Sendable {
    public let name: String
    public let inputs: Int
    public let outputs: Int
    public let relu: Bool
    public var weight: [Float]
    public var bias: [Float]
    /// Gradients of the last backward pass (overwritten, not accumulated); a data-parallel step
    /// replaces them with the job's sums.
    public internal(set) var weightGradient: [Float]
    public internal(set) var biasGradient: [Float]
    /// The packed B of this layer's products (W forward, dA for dW, Wᵀ for dx), reused.
    private let packing = GemmScratch()
    /// Per unit, whether it was zero for the whole last batch (reused by every backward pass).
    private var deadUnits: [Bool]

    public init(name: String, inputs: Int, outputs: Int, relu: Bool, generator: inout SeededGenerator) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.relu = relu
        let limit = (6.0 / Double(inputs + outputs)).squareRoot()
        weight = (0..<(inputs * outputs)).map { _ in Float((generator.nextUnit() * 2 - 1) * limit) }
        bias = [Float](repeating: 0, count: outputs)
        weightGradient = [Float](repeating: 0, count: inputs * outputs)
        biasGradient = [Float](repeating: 0, count: outputs)
        deadUnits = [Bool](repeating: false, count: outputs)
    }

    /// Forward: x [B × inputs] → y [B × outputs]. Each thread fills, multiplies and rectifies its
    /// own rows in one parallel region.
    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, threads: Int) {
        let outputs = self.outputs, inputs = self.inputs, relu = self.relu
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { bias in
                let packed = Gemm.pack(w.baseAddress!, k: inputs, n: outputs, transposed: false, threads: threads, into: packing)
                let pointers = UnsafeSendable((x, packed, y, bias.baseAddress!))
                Gemm.forEachRowPart(m: batch, k: inputs, n: outputs, threads: threads) { rows in
                    let (x, packed, y, bias) = pointers.value
                    for b in rows { (y + b * outputs).update(from: bias, count: outputs) }
                    Gemm.multiplyRows(x, packedB: packed, y, rows: rows, k: inputs, n: outputs, accumulate: true, m: batch)
                    if relu {
                        for i in (rows.lowerBound * outputs)..<(rows.upperBound * outputs) { y[i] = max(y[i], 0) }
                    }
                }
            }
        }
    }

    /// Backward. In the forward pass y = act(x·W + b), so with dA = dy ⊙ act'(·):
    /// dW = xᵀ·dA [inputs × outputs], db = Σ_batch dA [outputs], dx = dA·Wᵀ [B × inputs].
    /// `dy` [B × outputs] is overwritten with dA; `dx` may be nil for the first layer.
    /// Also counts the units dead for the whole batch (`lastDeadFraction`).
    public func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>,
                         dx: UnsafeMutablePointer<Float>?, batch: Int, threads: Int) {
        // The element-wise part, split by columns: each column's mask, bias-gradient sum (in
        // batch order) and liveness belong to one thread.
        let outputs = self.outputs, relu = self.relu
        let columnParts = outputs >= 64 && batch * outputs >= 1 << 15 ? threads : 1
        biasGradient.withUnsafeMutableBufferPointer { db in
            deadUnits.withUnsafeMutableBufferPointer { dead in
                let pointers = UnsafeSendable((y, dy, db.baseAddress!, dead.baseAddress!))
                Parallel.ranges(outputs, parts: columnParts) { columns in
                    let (y, dy, db, dead) = pointers.value
                    // Eight columns at a time (the mask a select, liveness a running max); a
                    // column's bias gradient still sums its rows in batch order.
                    typealias V = SIMD8<Float>
                    var j = columns.lowerBound
                    while j < columns.upperBound {
                        let lanes = min(8, columns.upperBound - j)
                        if lanes == 8 {
                            var sum = V(), largest = V(repeating: relu ? 0 : 1)
                            for b in 0..<batch {
                                let at = b * outputs + j
                                var g = UnsafeRawPointer(dy + at).loadUnaligned(as: V.self)
                                if relu {
                                    let out = UnsafeRawPointer(y + at).loadUnaligned(as: V.self)
                                    g.replace(with: 0, where: out .<= 0)
                                    UnsafeMutableRawPointer(dy + at).storeBytes(of: g, as: V.self)
                                    largest.replace(with: out, where: out .> largest)
                                }
                                sum += g
                            }
                            UnsafeMutableRawPointer(db + j).storeBytes(of: sum, as: V.self)
                            for lane in 0..<8 { dead[j + lane] = !(largest[lane] > 0) }
                        } else {
                            for c in j..<(j + lanes) {
                                var sum: Float = 0, alive = !relu
                                for b in 0..<batch {
                                    let at = b * outputs + c
                                    if relu {
                                        if y[at] <= 0 { dy[at] = 0 } else { alive = true }
                                    }
                                    sum += dy[at]
                                }
                                db[c] = sum
                                dead[c] = !alive
                            }
                        }
                        j += lanes
                    }
                }
            }
        }
        lastDeadFraction = relu && batch > 0 ? Double(deadUnits.lazy.filter { $0 }.count) / Double(outputs) : 0
        weightGradient.withUnsafeMutableBufferPointer { dw in
            Gemm.multiply(x, dy, dw.baseAddress!, m: inputs, k: batch, n: outputs, transposedA: true, threads: threads,
                          scratch: packing)
        }
        guard let dx else { return }
        weight.withUnsafeBufferPointer { w in
            Gemm.multiply(dy, w.baseAddress!, dx, m: batch, k: outputs, n: inputs, transposedB: true, threads: threads,
                          scratch: packing)
        }
    }

    /// L2 on the weights: adds λ·W to the last weight gradient (the gradient of λ/2·‖W‖²).
    func addWeightDecay(_ lambda: Float) {
        for i in weightGradient.indices { weightGradient[i] += lambda * weight[i] }
    }

    /// Zero gradients: a rank with no rows in a data-parallel step contributes nothing.
    func clearGradients() {
        for i in weightGradient.indices { weightGradient[i] = 0 }
        for i in biasGradient.indices { biasGradient[i] = 0 }
    }

    /// Frobenius norms of the weights and of the last weight gradient.
    public var weightNorm: Double { Self.norm(weight) }
    public var gradientNorm: Double { Self.norm(weightGradient) }

    static func norm(_ values: [Float]) -> Double {
        var sum = 0.0
        for v in values { sum += Double(v) * Double(v) }
        return sum.squareRoot()
    }

    /// Share of units that were zero for every example of the last backward pass's batch (0 for
    /// the output layer).
    public private(set) var lastDeadFraction: Double = 0
}
