import Foundation

/// A fully connected layer `y = act(x·W + b)` with act = ReLU for hidden layers and identity for
/// the output layer. Shapes (B = batch): x [B × inputs], W [inputs × outputs], b [outputs],
/// y [B × outputs], all row-major. Initialized Glorot-uniform (TensorFlow's dense default),
/// bias zero.
public final class DenseLayer: @unchecked Sendable {
    public let name: String
    public let inputs: Int
    public let outputs: Int
    public let relu: Bool
    public var weight: [Float]
    public var bias: [Float]
    /// Gradients of the last backward pass (overwritten, not accumulated).
    public private(set) var weightGradient: [Float]
    public private(set) var biasGradient: [Float]
    private var weightTransposed: [Float]

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
        weightTransposed = [Float](repeating: 0, count: inputs * outputs)
    }

    /// Forward: x [B × inputs] → y [B × outputs].
    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, threads: Int) {
        for b in 0..<batch {
            (y + b * outputs).update(from: bias, count: outputs)
        }
        weight.withUnsafeBufferPointer { w in
            Gemm.multiply(x, w.baseAddress!, y, m: batch, k: inputs, n: outputs, accumulate: true, threads: threads)
        }
        if relu {
            for i in 0..<(batch * outputs) where y[i] < 0 { y[i] = 0 }
        }
    }

    /// Backward. In the forward pass y = act(x·W + b), so with dA = dy ⊙ act'(·):
    /// dW = xᵀ·dA [inputs × outputs], db = Σ_batch dA [outputs], dx = dA·Wᵀ [B × inputs].
    /// `dy` [B × outputs] is overwritten with dA; `dx` may be nil for the first layer.
    public func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>,
                         dx: UnsafeMutablePointer<Float>?, batch: Int, threads: Int) {
        if relu {
            for i in 0..<(batch * outputs) where y[i] <= 0 { dy[i] = 0 }
        }
        biasGradient.withUnsafeMutableBufferPointer { db in
            for j in 0..<outputs { db[j] = 0 }
            for b in 0..<batch {
                let row = dy + b * outputs
                for j in 0..<outputs { db[j] += row[j] }
            }
        }
        weightGradient.withUnsafeMutableBufferPointer { dw in
            Gemm.multiply(x, dy, dw.baseAddress!, m: inputs, k: batch, n: outputs, transposedA: true, threads: threads)
        }
        guard let dx else { return }
        weight.withUnsafeBufferPointer { w in
            weightTransposed.withUnsafeMutableBufferPointer { wt in
                Gemm.transpose(w.baseAddress!, wt.baseAddress!, rows: inputs, columns: outputs)
                Gemm.multiply(dy, wt.baseAddress!, dx, m: batch, k: outputs, n: inputs, threads: threads)
            }
        }
    }

    /// Frobenius norms of the weights and of the last weight gradient.
    public var weightNorm: Double { Self.norm(weight) }
    public var gradientNorm: Double { Self.norm(weightGradient) }

    static func norm(_ values: [Float]) -> Double {
        var sum = 0.0
        for v in values { sum += Double(v) * Double(v) }
        return sum.squareRoot()
    }

    /// Share of units that were zero for every example of the batch whose outputs are `y`.
    public func deadFraction(y: UnsafePointer<Float>, batch: Int) -> Double {
        guard relu, batch > 0 else { return 0 }
        var dead = 0
        for j in 0..<outputs {
            var alive = false
            for b in 0..<batch where y[b * outputs + j] > 0 { alive = true; break }
            if !alive { dead += 1 }
        }
        return Double(dead) / Double(outputs)
    }
}
