// The matrix-product micro-kernels. This one file is compiled twice: as module `Kernels` for any
// x86-64 (or other) CPU, and — through a symlink — as `KernelsHaswell` with `-target-cpu haswell`
// and WDL_FMA defined, where `madd` is a fused multiply-add. WideDeep's `Gemm` picks the module at
// run time from the CPU's features. Without an FMA target, `addingProduct` compiles to a call per
// lane (measured here: 0.56 vs 12.5 GFLOP/s), so the portable build multiplies and adds instead.

/// `C[rows, 0..<n] (+)= A[rows, 0..<k] · B[k×n]`, B and C row-major, for a range of C's rows.
/// A's element (r, p) is `a[r·aRowStride + p·aColumnStride]`: (k, 1) for a row-major A, (1, m)
/// for an A given as its row-major transpose (the weight gradient xᵀ·dA, without copying x).
/// The 6×16 tile keeps twelve SIMD8 accumulators in registers; each B vector is loaded once per
/// six rows of A. Every element sums its products in ascending p, whichever tile computes it.
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
                             rows: Range<Int>, k: Int, n: Int, accumulate: Bool,
                             aRowStride: Int, aColumnStride: Int) {
        let rs = aRowStride, cs = aColumnStride
        var i = rows.lowerBound
        let full = n / 16 * 16, tail = n - full
        // The last n mod 16 columns: B's columns copied into a zero-padded k×16 panel, so they
        // also run in the 6×16 tile (into a 6×16 scratch C) instead of a scalar loop. Zero
        // columns do not change the others' sums, so every element is still the same sequence
        // of multiply-adds.
        let panel = UnsafeMutablePointer<Float>.allocate(capacity: tail > 0 ? k * 16 + 6 * 16 : 0)
        defer { panel.deallocate() }
        let scratch = panel + k * 16
        if tail > 0 {
            for p in 0..<k {
                for j in 0..<16 { panel[p * 16 + j] = j < tail ? b[p * n + full + j] : 0 }
            }
        }
        while i + 6 <= rows.upperBound {
            var j = 0
            while j < full {
                tile6x16(a + i * rs, rs, cs, b + j, c + i * n + j, k: k, n: n, accumulate: accumulate)
                j += 16
            }
            if tail > 0 {
                for r in 0..<6 {
                    for j in 0..<16 { scratch[r * 16 + j] = accumulate && j < tail ? c[(i + r) * n + full + j] : 0 }
                }
                tile6x16(a + i * rs, rs, cs, panel, scratch, k: k, n: 16, accumulate: accumulate)
                for r in 0..<6 {
                    for j in 0..<tail { c[(i + r) * n + full + j] = scratch[r * 16 + j] }
                }
            }
            i += 6
        }
        while i < rows.upperBound {
            rowTail(a + i * rs, cs, b, c + i * n, from: 0, k: k, n: n, accumulate: accumulate)
            i += 1
        }
    }

    /// Columns `j0..<n` of one row of C: 8 at a time, then one by one.
    @inline(__always)
    static func rowTail(_ a: UnsafePointer<Float>, _ cs: Int, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                        from j0: Int, k: Int, n: Int, accumulate: Bool) {
        var j = j0
        while j + 8 <= n {
            tile1x8(a, cs, b + j, c + j, k: k, n: n, accumulate: accumulate)
            j += 8
        }
        if j < n { scalarRow(a, cs, b, c, from: j, k: k, n: n, accumulate: accumulate) }
    }

    /// 6×16: twelve accumulators, two B vectors and one broadcast fit AVX2's sixteen registers
    /// (the earlier 4×32 tile needed 21 and spilled: `wdl bench` GEMMs went from 88–121 to
    /// 170–185 GFLOP/s on 2 cores, and 1M-row wide & deep training from 52k to 61k ex/s).
    @inline(__always)
    static func tile6x16(_ a: UnsafePointer<Float>, _ rs: Int, _ cs: Int, _ b: UnsafePointer<Float>,
                         _ c: UnsafeMutablePointer<Float>, k: Int, n: Int, accumulate: Bool) {
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
        if accumulate {
            c00 = load(c); c01 = load(c + 8)
            c10 = load(c + n); c11 = load(c + n + 8)
            c20 = load(c + 2 * n); c21 = load(c + 2 * n + 8)
            c30 = load(c + 3 * n); c31 = load(c + 3 * n + 8)
            c40 = load(c + 4 * n); c41 = load(c + 4 * n + 8)
            c50 = load(c + 5 * n); c51 = load(c + 5 * n + 8)
        }
        var bp = b, ap = a
        let r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs
        for _ in 0..<k {
            let b0 = load(bp), b1 = load(bp + 8)
            var x = V(repeating: ap[0])
            c00 = madd(x, b0, c00); c01 = madd(x, b1, c01)
            x = V(repeating: ap[rs])
            c10 = madd(x, b0, c10); c11 = madd(x, b1, c11)
            x = V(repeating: ap[r2])
            c20 = madd(x, b0, c20); c21 = madd(x, b1, c21)
            x = V(repeating: ap[r3])
            c30 = madd(x, b0, c30); c31 = madd(x, b1, c31)
            x = V(repeating: ap[r4])
            c40 = madd(x, b0, c40); c41 = madd(x, b1, c41)
            x = V(repeating: ap[r5])
            c50 = madd(x, b0, c50); c51 = madd(x, b1, c51)
            ap += cs
            bp += n
        }
        store(c00, c); store(c01, c + 8)
        store(c10, c + n); store(c11, c + n + 8)
        store(c20, c + 2 * n); store(c21, c + 2 * n + 8)
        store(c30, c + 3 * n); store(c31, c + 3 * n + 8)
        store(c40, c + 4 * n); store(c41, c + 4 * n + 8)
        store(c50, c + 5 * n); store(c51, c + 5 * n + 8)
    }

    @inline(__always)
    static func tile1x8(_ a: UnsafePointer<Float>, _ cs: Int, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                        k: Int, n: Int, accumulate: Bool) {
        var c0 = accumulate ? load(c) : V()
        var bp = b
        for p in 0..<k {
            c0 = madd(V(repeating: a[p * cs]), load(bp), c0)
            bp += n
        }
        store(c0, c)
    }

    @inline(__always)
    static func scalarRow(_ a: UnsafePointer<Float>, _ cs: Int, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                          from j0: Int, k: Int, n: Int, accumulate: Bool) {
        for j in j0..<n {
            var sum: Float = accumulate ? c[j] : 0
            for p in 0..<k { sum = maddScalar(a[p * cs], b[p * n + j], sum) }
            c[j] = sum
        }
    }
}
