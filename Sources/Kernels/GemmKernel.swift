// The matrix-product micro-kernels. This one file is compiled twice: as module `Kernels` for any
// x86-64 (or other) CPU, and — through a symlink — as `KernelsHaswell` with `-target-cpu haswell`
// and WDL_FMA defined, where `madd` is a fused multiply-add. WideDeep's `Gemm` picks the module at
// run time from the CPU's features. Without an FMA target, `addingProduct` compiles to a call per
// lane (measured here: 0.56 vs 12.5 GFLOP/s), so the portable build multiplies and adds instead.

/// `C[rows, 0..<n] (+)= A[rows, 0..<k] · B[k×n]`, row-major, for a range of C's rows.
/// The 4×32 tile keeps sixteen SIMD8 accumulators in registers; each B vector is loaded once per
/// four rows of A. Every element sums its products in ascending p, whichever tile computes it.
public enum GemmKernel {
    typealias V = SIMD8<Float>

    #if WDL_FMA
    public static let name = "AVX2+FMA"
    @inline(__always) static func madd(_ a: V, _ b: V, _ c: V) -> V { c.addingProduct(a, b) }
    @inline(__always) static func maddScalar(_ a: Float, _ b: Float, _ c: Float) -> Float { c.addingProduct(a, b) }
    #else
    public static let name = "portable SIMD"
    @inline(__always) static func madd(_ a: V, _ b: V, _ c: V) -> V { c + a * b }
    @inline(__always) static func maddScalar(_ a: Float, _ b: Float, _ c: Float) -> Float { c + a * b }
    #endif

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    public static func multiplyRows(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
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
            c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01); c02 = madd(a0, b2, c02); c03 = madd(a0, b3, c03)
            c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11); c12 = madd(a1, b2, c12); c13 = madd(a1, b3, c13)
            c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21); c22 = madd(a2, b2, c22); c23 = madd(a2, b3, c23)
            c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31); c32 = madd(a3, b2, c32); c33 = madd(a3, b3, c33)
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
            c0 = madd(V(repeating: a[p]), bv, c0)
            c1 = madd(V(repeating: a[k + p]), bv, c1)
            c2 = madd(V(repeating: a[2 * k + p]), bv, c2)
            c3 = madd(V(repeating: a[3 * k + p]), bv, c3)
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
            c0 = madd(V(repeating: a[p]), load(bp), c0)
            bp += n
        }
        store(c0, c)
    }

    @inline(__always)
    static func scalarRow(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                          from j0: Int, k: Int, n: Int, accumulate: Bool) {
        for j in j0..<n {
            var sum: Float = accumulate ? c[j] : 0
            for p in 0..<k { sum = maddScalar(a[p], b[p * n + j], sum) }
            c[j] = sum
        }
    }
}
