// The matrix-product micro-kernels. This one file is compiled twice: as module `Kernels` for any
// x86-64 (or other) CPU, and — through a symlink — as `KernelsHaswell` with `-target-cpu haswell`
// and WDL_FMA defined, where `madd` is a fused multiply-add. WideDeep's `Gemm` picks the module at
// run time from the CPU's features. Without an FMA target, `addingProduct` compiles to a call per
// lane (measured here: 0.56 vs 12.5 GFLOP/s), so the portable build multiplies and adds instead.

/// `C[rows, 0..<n] (+)= A[rows, 0..<k] · B[k×n]`, C row-major, for a range of C's rows, with B
/// packed beforehand (`packB`); A read in place when row-major, packed six rows at a time when
/// given transposed or for a last partial tile.
///
/// Packing is what the dense layers' shapes need: B's rows are 128–429 floats apart, so reading a
/// 16-column strip of B in place put every row of the strip into the same few L1 sets (a 1 KB
/// stride maps 429 rows onto 4 of 64 sets), and the weight gradient's A, read down x's columns,
/// used 6 floats of every cache line it loaded. Packed, both are read sequentially, and dx = dA·Wᵀ
/// packs Wᵀ straight from W, without a transposed copy.
///
/// The 6×16 tile keeps twelve SIMD8 accumulators in registers; each B vector is loaded once per
/// six rows of A. Every element sums its products in ascending p, starting from C (accumulate) or
/// zero, whichever tile or thread computes it; zero padding adds nothing to the real elements.
public enum GemmKernel {
    typealias V = SIMD8<Float>

    /// Columns per packed panel of B, and rows per packed tile of A.
    public static let panelWidth = 16
    public static let tileRows = 6

    #if WDL_FMA
    public static let name = "AVX2+FMA"
    @inline(__always) static func madd(_ a: V, _ b: V, _ c: V) -> V { c.addingProduct(a, b) }
    #else
    public static let name = "portable SIMD"
    @inline(__always) static func madd(_ a: V, _ b: V, _ c: V) -> V { c + a * b }
    #endif

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// Floats a packed B of k × n takes: ⌈n/16⌉ panels of k rows of 16.
    public static func packedCount(k: Int, n: Int) -> Int { k * ((n + panelWidth - 1) / panelWidth) * panelWidth }

    /// Packs the panels `panels` of B [k × n] into `packed`: panel q holds columns 16q..<16q+16 as
    /// k consecutive rows of 16 floats, zero beyond column n. B's element (p, j) is
    /// `b[p·rowStride + j·columnStride]`: (n, 1) for a row-major B, (1, k) for B given as its
    /// row-major transpose (Wᵀ read from W).
    public static func packB(_ b: UnsafePointer<Float>, rowStride: Int, columnStride: Int, k: Int, n: Int,
                             panels: Range<Int>, into packed: UnsafeMutablePointer<Float>) {
        for q in panels {
            let j0 = q * panelWidth, width = min(panelWidth, n - j0)
            let panel = packed + q * k * panelWidth
            if columnStride == 1 && width == panelWidth {
                for p in 0..<k {
                    let source = b + p * rowStride + j0
                    store(load(source), panel + p * panelWidth)
                    store(load(source + 8), panel + p * panelWidth + 8)
                }
                continue
            }
            if width < panelWidth {
                for p in 0..<k { (panel + p * panelWidth + width).initialize(repeating: 0, count: panelWidth - width) }
            }
            if columnStride == 1 {
                for p in 0..<k {
                    for j in 0..<width { panel[p * panelWidth + j] = b[p * rowStride + j0 + j] }
                }
            } else {
                // Column by column: each of B's columns is contiguous when B comes transposed.
                for j in 0..<width {
                    let column = b + (j0 + j) * columnStride
                    for p in 0..<k { panel[p * panelWidth + j] = column[p * rowStride] }
                }
            }
        }
    }

    /// Rows `rows` of `C (+)= A·B`, C [m × n] row-major with B packed by `packB`. A's element
    /// (r, p) is `a[r·aRowStride + p·aColumnStride]`: (k, 1) for a row-major A, (1, m) for A
    /// given as its row-major transpose (the weight gradient xᵀ·dA, without copying x).
    public static func multiplyRows(_ a: UnsafePointer<Float>, aRowStride: Int, aColumnStride: Int,
                                    packedB: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                    rows: Range<Int>, k: Int, n: Int, accumulate: Bool) {
        guard !rows.isEmpty, n > 0 else { return }
        let rs = aRowStride, cs = aColumnStride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: (k * tileRows + tileRows * panelWidth) * 4, alignment: 64)
        defer { raw.deallocate() }
        let aTile = raw.bindMemory(to: Float.self, capacity: k * tileRows + tileRows * panelWidth)
        // A 6 × 16 block of C for the edges (a partial tile of rows or the last panel).
        let scratch = aTile + k * tileRows
        let panels = (n + panelWidth - 1) / panelWidth
        var i = rows.lowerBound
        while i < rows.upperBound {
            let height = min(tileRows, rows.upperBound - i)
            // The tile's A: in place when its rows are contiguous and all there (packing them
            // cost 12% of a 512×256·256×128 product); otherwise k groups of 6, missing rows zero.
            var tileA = a + i * rs, tileRowStride = rs, tileColumnStride = cs
            if cs != 1 || height < tileRows {
                if height < tileRows { aTile.initialize(repeating: 0, count: k * tileRows) }
                if cs == 1 {
                    for r in 0..<height {
                        let row = a + (i + r) * rs
                        for p in 0..<k { aTile[p * tileRows + r] = row[p] }
                    }
                } else {
                    for p in 0..<k {
                        let column = a + i * rs + p * cs
                        for r in 0..<height { aTile[p * tileRows + r] = column[r * rs] }
                    }
                }
                (tileA, tileRowStride, tileColumnStride) = (UnsafePointer(aTile), 1, tileRows)
            }
            for q in 0..<panels {
                let j0 = q * panelWidth, width = min(panelWidth, n - j0)
                let panel = packedB + q * k * panelWidth
                let target = c + i * n + j0
                if height == tileRows && width == panelWidth {
                    tile6x16(tileA, tileRowStride, tileColumnStride, panel, target, ldc: n, k: k, accumulate: accumulate)
                    continue
                }
                if accumulate {
                    for r in 0..<height { for j in 0..<width { scratch[r * panelWidth + j] = target[r * n + j] } }
                }
                tile6x16(tileA, tileRowStride, tileColumnStride, panel, scratch, ldc: panelWidth, k: k, accumulate: accumulate)
                for r in 0..<height { for j in 0..<width { target[r * n + j] = scratch[r * panelWidth + j] } }
            }
            i += height
        }
    }

    /// 6×16: twelve accumulators, two B vectors and one broadcast fit AVX2's sixteen registers
    /// (the earlier 4×32 tile needed 21 and spilled: `wdl bench` GEMMs went from 88–121 to
    /// 170–185 GFLOP/s on 2 cores, and 1M-row wide & deep training from 52k to 61k ex/s).
    /// A's element (r, p) at `a[r·rs + p·cs]`; `b`: k rows of 16 (one packed panel).
    @inline(__always)
    static func tile6x16(_ a: UnsafePointer<Float>, _ rs: Int, _ cs: Int, _ b: UnsafePointer<Float>,
                         _ c: UnsafeMutablePointer<Float>, ldc n: Int, k: Int, accumulate: Bool) {
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
            bp += panelWidth
        }
        store(c00, c); store(c01, c + 8)
        store(c10, c + n); store(c11, c + n + 8)
        store(c20, c + 2 * n); store(c21, c + 2 * n + 8)
        store(c30, c + 3 * n); store(c31, c + 3 * n + 8)
        store(c40, c + 4 * n); store(c41, c + 4 * n + 8)
        store(c50, c + 5 * n); store(c51, c + 5 * n + 8)
    }
}
