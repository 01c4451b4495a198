import Dispatch

/// Single-precision matrix products for the dense layers, written in Swift SIMD.
///
/// One kernel, `C[m×n] (+)= A[m×k] · B[k×n]`, all row-major; the backward products use it on
/// transposed copies (`transpose`), which cost O(m·k) against the product's O(m·k·n).
/// The micro-kernel keeps a 4×32 tile of C in sixteen SIMD8 registers and streams rows of B:
/// each B vector is loaded once per four rows of A. It uses plain `*` and `+`, never
/// `addingProduct`, which without an FMA target compiles to a call per lane (measured here:
/// 0.56 vs 12.5 GFLOP/s).
///
/// Threads split the rows of C, so every element is computed by the same sequence of operations
/// whatever the thread count: results are bit-identical for any `threads`.
public enum Gemm {
    typealias V = SIMD8<Float>

    public static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                m: Int, k: Int, n: Int, accumulate: Bool = false, threads: Int = 1) {
        guard m > 0, n > 0 else { return }
        let blocks = (m + 3) / 4
        let parts = min(max(1, threads), blocks, m * k * n < 1 << 16 ? 1 : threads)
        if parts <= 1 {
            multiplyRows(a, b, c, rows: 0..<m, k: k, n: n, accumulate: accumulate)
            return
        }
        let pointers = UnsafeSendable((a, b, c))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let (a, b, c) = pointers.value
            let first = blocks * part / parts * 4, last = min(m, blocks * (part + 1) / parts * 4)
            if first < last { multiplyRows(a, b, c, rows: first..<last, k: k, n: n, accumulate: accumulate) }
        }
    }

    /// `out[n×m] = in[m×n]ᵀ`, row-major, in 8×8 tiles to stay in cache.
    public static func transpose(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, rows m: Int, columns n: Int) {
        let tile = 8
        var i0 = 0
        while i0 < m {
            let i1 = min(m, i0 + tile)
            var j0 = 0
            while j0 < n {
                let j1 = min(n, j0 + tile)
                for i in i0..<i1 {
                    for j in j0..<j1 { output[j * m + i] = input[i * n + j] }
                }
                j0 = j1
            }
            i0 = i1
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    static func multiplyRows(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                             rows: Range<Int>, k: Int, n: Int, accumulate: Bool) {
        var i = rows.lowerBound
        while i + 4 <= rows.upperBound {
            var j = 0
            while j + 32 <= n {
                tile4x32(a + i * k, b + j, c + i * n + j, k: k, n: n, accumulate: accumulate)
                j += 32
            }
            while j + 8 <= n {
                tile4x8(a + i * k, b + j, c + i * n + j, k: k, n: n, accumulate: accumulate)
                j += 8
            }
            if j < n {
                for r in i..<(i + 4) { scalarRow(a + r * k, b, c + r * n, from: j, k: k, n: n, accumulate: accumulate) }
            }
            i += 4
        }
        while i < rows.upperBound {
            var j = 0
            while j + 8 <= n {
                tile1x8(a + i * k, b + j, c + i * n + j, k: k, n: n, accumulate: accumulate)
                j += 8
            }
            if j < n { scalarRow(a + i * k, b, c + i * n, from: j, k: k, n: n, accumulate: accumulate) }
            i += 1
        }
    }

    @inline(__always)
    static func tile4x32(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                         k: Int, n: Int, accumulate: Bool) {
        var c00 = V(), c01 = V(), c02 = V(), c03 = V()
        var c10 = V(), c11 = V(), c12 = V(), c13 = V()
        var c20 = V(), c21 = V(), c22 = V(), c23 = V()
        var c30 = V(), c31 = V(), c32 = V(), c33 = V()
        if accumulate {
            c00 = load(c); c01 = load(c + 8); c02 = load(c + 16); c03 = load(c + 24)
            c10 = load(c + n); c11 = load(c + n + 8); c12 = load(c + n + 16); c13 = load(c + n + 24)
            c20 = load(c + 2 * n); c21 = load(c + 2 * n + 8); c22 = load(c + 2 * n + 16); c23 = load(c + 2 * n + 24)
            c30 = load(c + 3 * n); c31 = load(c + 3 * n + 8); c32 = load(c + 3 * n + 16); c33 = load(c + 3 * n + 24)
        }
        var bp = b
        for p in 0..<k {
            let b0 = load(bp), b1 = load(bp + 8), b2 = load(bp + 16), b3 = load(bp + 24)
            let a0 = V(repeating: a[p]), a1 = V(repeating: a[k + p])
            let a2 = V(repeating: a[2 * k + p]), a3 = V(repeating: a[3 * k + p])
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3
            bp += n
        }
        store(c00, c); store(c01, c + 8); store(c02, c + 16); store(c03, c + 24)
        store(c10, c + n); store(c11, c + n + 8); store(c12, c + n + 16); store(c13, c + n + 24)
        store(c20, c + 2 * n); store(c21, c + 2 * n + 8); store(c22, c + 2 * n + 16); store(c23, c + 2 * n + 24)
        store(c30, c + 3 * n); store(c31, c + 3 * n + 8); store(c32, c + 3 * n + 16); store(c33, c + 3 * n + 24)
    }

    @inline(__always)
    static func tile4x8(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                        k: Int, n: Int, accumulate: Bool) {
        var c0 = accumulate ? load(c) : V(), c1 = accumulate ? load(c + n) : V()
        var c2 = accumulate ? load(c + 2 * n) : V(), c3 = accumulate ? load(c + 3 * n) : V()
        var bp = b
        for p in 0..<k {
            let bv = load(bp)
            c0 += V(repeating: a[p]) * bv
            c1 += V(repeating: a[k + p]) * bv
            c2 += V(repeating: a[2 * k + p]) * bv
            c3 += V(repeating: a[3 * k + p]) * bv
            bp += n
        }
        store(c0, c); store(c1, c + n); store(c2, c + 2 * n); store(c3, c + 3 * n)
    }

    @inline(__always)
    static func tile1x8(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                        k: Int, n: Int, accumulate: Bool) {
        var c0 = accumulate ? load(c) : V()
        var bp = b
        for p in 0..<k {
            c0 += V(repeating: a[p]) * load(bp)
            bp += n
        }
        store(c0, c)
    }

    @inline(__always)
    static func scalarRow(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                          from j0: Int, k: Int, n: Int, accumulate: Bool) {
        for j in j0..<n {
            var sum: Float = accumulate ? c[j] : 0
            for p in 0..<k { sum += a[p] * b[p * n + j] }
            c[j] = sum
        }
    }
}
