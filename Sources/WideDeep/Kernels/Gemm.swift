import Kernels
import KernelsHaswell
import Foundation

/// Single-precision matrix products for the dense layers, written in Swift SIMD.
///
/// One product, `C[m×n] (+)= A[m×k] · B[k×n]`, all row-major, or with A given as its transpose
/// (`transposedA`: the weight gradient xᵀ·dA reads x in place) or B given as its transpose
/// (`transposedB`: dx = dA·Wᵀ reads W in place). B is first packed into 16-column panels (see
/// `GemmKernel`), which costs O(k·n) against the product's O(m·k·n). The micro-kernels live in
/// the `Kernels` / `KernelsHaswell` modules (one source, two targets).
///
/// Threads split the rows of C, so every element is computed by the same sequence of operations
/// whatever the thread count: results are bit-identical for any `threads` (on one machine: the
/// FMA kernel rounds once per multiply-add, the portable one twice).
public enum Gemm {
    /// The micro-kernel for this CPU: AVX2 + FMA where it has them, portable SIMD otherwise.
    /// `WDL_PORTABLE_KERNELS=1` forces the portable one (to compare in `wdl bench`).
    public static let usesFMA: Bool = {
        let features = SystemInfo.cpu().features
        return features.contains("avx2") && features.contains("fma")
            && ProcessInfo.processInfo.environment["WDL_PORTABLE_KERNELS"] != "1"
    }()

    public static var kernelName: String { usesFMA ? KernelsHaswell.GemmKernel.name : Kernels.GemmKernel.name }

    /// `C[m×n] (+)= A·B` with A [m×k] row-major (or, `transposedA`, its transpose [k×m]) and
    /// B [k×n] row-major (or, `transposedB`, its transpose [n×k]). `scratch` holds the packed B
    /// (one per caller, reused; nil allocates one for this call).
    public static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                m: Int, k: Int, n: Int, accumulate: Bool = false, transposedA: Bool = false,
                                transposedB: Bool = false, threads: Int = 1, scratch: GemmScratch? = nil) {
        guard m > 0, n > 0 else { return }
        let scratch = scratch ?? GemmScratch()
        withExtendedLifetime(scratch) {
            let packed = pack(b, k: k, n: n, transposed: transposedB, threads: threads, into: scratch)
            let pointers = UnsafeSendable((a, packed, c))
            forEachRowPart(m: m, k: k, n: n, threads: threads) { rows in
                let (a, packed, c) = pointers.value
                multiplyRows(a, packedB: packed, c, rows: rows, k: k, n: n, accumulate: accumulate, transposedA: transposedA, m: m)
            }
        }
    }

    /// Packs B [k×n] (or, `transposed`, B given as its transpose [n×k]) into `scratch` for
    /// `multiplyRows`, the panels split across threads. The result lives until the next pack
    /// into the same scratch.
    static func pack(_ b: UnsafePointer<Float>, k: Int, n: Int, transposed: Bool, threads: Int,
                     into scratch: GemmScratch) -> UnsafePointer<Float> {
        let packed = scratch.buffer(count: Kernels.GemmKernel.packedCount(k: k, n: n))
        let panels = (n + Kernels.GemmKernel.panelWidth - 1) / Kernels.GemmKernel.panelWidth
        let pointers = UnsafeSendable((b, packed))
        Parallel.ranges(panels, parts: k * n >= 1 << 14 ? threads : 1) { range in
            let (b, packed) = pointers.value
            // Packing only copies, so the portable build serves both kernels.
            Kernels.GemmKernel.packB(b, rowStride: transposed ? 1 : n, columnStride: transposed ? k : 1, k: k, n: n,
                                     panels: range, into: packed)
        }
        return UnsafePointer(packed)
    }

    /// Rows `rows` of `C (+)= A·B` with B packed by `pack`, on the calling thread (for callers
    /// that run their own work on the same rows in the same parallel region, see `forEachRowPart`).
    static func multiplyRows(_ a: UnsafePointer<Float>, packedB: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                             rows: Range<Int>, k: Int, n: Int, accumulate: Bool, transposedA: Bool = false, m: Int) {
        let rowStride = transposedA ? 1 : k, columnStride = transposedA ? m : 1
        if usesFMA {
            KernelsHaswell.GemmKernel.multiplyRows(a, aRowStride: rowStride, aColumnStride: columnStride, packedB: packedB, c,
                                                   rows: rows, k: k, n: n, accumulate: accumulate)
        } else {
            Kernels.GemmKernel.multiplyRows(a, aRowStride: rowStride, aColumnStride: columnStride, packedB: packedB, c,
                                            rows: rows, k: k, n: n, accumulate: accumulate)
        }
    }

    /// Splits the m rows of a product's C into up to `threads` parts on 6-row boundaries (the
    /// micro-kernel's tile) and runs `body` on each, concurrently; small products stay on one
    /// thread. Which thread computes a row never changes its value.
    static func forEachRowPart(m: Int, k: Int, n: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let blocks = (m + 5) / 6
        let parts = m * k * n < 1 << 16 ? 1 : threads
        // Parts of whole blocks, so only the last part can end in a partial tile.
        Parallel.ranges(blocks, parts: parts) { blockRange in
            body((blockRange.lowerBound * 6)..<min(m, blockRange.upperBound * 6))
        }
    }
}

/// A reusable, 64-byte-aligned buffer for a packed B: each dense layer keeps one, so the training
/// loop packs without allocating.
/// Sendable: owned by one dense layer; packed once per product before the region that reads it.
public final class GemmScratch: @unchecked Sendable {
    private var pointer: UnsafeMutablePointer<Float>?
    private var capacity = 0

    public init() {}

    /// At least `count` floats, contents unspecified; valid until the next call.
    func buffer(count: Int) -> UnsafeMutablePointer<Float> {
        if let pointer, capacity >= count { return pointer }
        if let pointer { LargeAllocation.deallocate(pointer) }
        capacity = max(count, 1)
        let fresh = LargeAllocation.allocate(Float.self, count: capacity)
        pointer = fresh
        return fresh
    }

    deinit { if let pointer { LargeAllocation.deallocate(pointer) } }
}
