import Kernels
import KernelsHaswell
import Foundation

/// Single-precision matrix products for the dense layers, written in Swift SIMD.
///
/// One product, `C[m×n] (+)= A[m×k] · B[k×n]`, all row-major, or with A given as its transpose
/// (`transposedA`: the weight gradient xᵀ·dA reads x in place); dx = dA·Wᵀ uses a transposed copy
/// of W (`transpose`), which costs O(k·n) against the product's O(m·k·n). The
/// micro-kernels live in the `Kernels` / `KernelsHaswell` modules (one source, two targets).
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

    static func multiplyRows(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                             rows: Range<Int>, k: Int, n: Int, accumulate: Bool, aRowStride: Int, aColumnStride: Int) {
        if usesFMA {
            KernelsHaswell.GemmKernel.multiplyRows(a, b, c, rows: rows, k: k, n: n, accumulate: accumulate,
                                                   aRowStride: aRowStride, aColumnStride: aColumnStride)
        } else {
            Kernels.GemmKernel.multiplyRows(a, b, c, rows: rows, k: k, n: n, accumulate: accumulate,
                                            aRowStride: aRowStride, aColumnStride: aColumnStride)
        }
    }

    /// `C[m×n] (+)= A·B` with A [m×k] row-major, or with `transposedA` A's transpose [k×m] row-major.
    public static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                m: Int, k: Int, n: Int, accumulate: Bool = false, transposedA: Bool = false,
                                threads: Int = 1) {
        guard m > 0, n > 0 else { return }
        let pointers = UnsafeSendable((a, b, c))
        forEachRowPart(m: m, k: k, n: n, threads: threads) { rows in
            let (a, b, c) = pointers.value
            multiplyRows(a, b, c, rows: rows, k: k, n: n, accumulate: accumulate, transposedA: transposedA, m: m)
        }
    }

    /// Rows `rows` of `C (+)= A·B` on the calling thread (for callers that run their own work on
    /// the same rows in the same parallel region, see `forEachRowPart`).
    static func multiplyRows(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                             rows: Range<Int>, k: Int, n: Int, accumulate: Bool, transposedA: Bool = false, m: Int) {
        multiplyRows(a, b, c, rows: rows, k: k, n: n, accumulate: accumulate,
                     aRowStride: transposedA ? 1 : k, aColumnStride: transposedA ? m : 1)
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

}
