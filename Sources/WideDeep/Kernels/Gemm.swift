import Dispatch
import Kernels
import KernelsHaswell
import Foundation

/// Single-precision matrix products for the dense layers, written in Swift SIMD.
///
/// One product, `C[m×n] (+)= A[m×k] · B[k×n]`, all row-major; the backward products use it on
/// transposed copies (`transpose`), which cost O(m·k) against the product's O(m·k·n). The
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
                             rows: Range<Int>, k: Int, n: Int, accumulate: Bool) {
        if usesFMA {
            KernelsHaswell.GemmKernel.multiplyRows(a, b, c, rows: rows, k: k, n: n, accumulate: accumulate)
        } else {
            Kernels.GemmKernel.multiplyRows(a, b, c, rows: rows, k: k, n: n, accumulate: accumulate)
        }
    }

    public static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                m: Int, k: Int, n: Int, accumulate: Bool = false, threads: Int = 1) {
        guard m > 0, n > 0 else { return }
        let blocks = (m + 5) / 6          // the micro-kernel tiles 6 rows at a time
        let parts = min(max(1, threads), blocks, m * k * n < 1 << 16 ? 1 : threads)
        if parts <= 1 {
            multiplyRows(a, b, c, rows: 0..<m, k: k, n: n, accumulate: accumulate)
            return
        }
        let pointers = UnsafeSendable((a, b, c))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let (a, b, c) = pointers.value
            let first = blocks * part / parts * 6, last = min(m, blocks * (part + 1) / parts * 6)
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

}
