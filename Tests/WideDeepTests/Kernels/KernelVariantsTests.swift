import XCTest
import Kernels
import KernelsHaswell
@testable import WideDeep

/// Both builds of the micro-kernel (portable, and AVX2 + FMA when this CPU has them) against a
/// naive triple loop in Double, on shapes that exercise every tile and tail.
final class KernelVariantsTests: XCTestCase {
    func naive(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += Double(a[i * k + p]) * Double(b[p * n + j]) } } }
        return c
    }

    func check(_ kernel: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>, Int, Int) -> Void,
               name: String) {
        var g = SeededGenerator(seed: 11)
        for (m, k, n) in [(1, 1, 1), (7, 13, 5), (5, 9, 40), (33, 257, 19), (9, 31, 77)] {
            let a = (0..<(m * k)).map { _ in Float(g.nextUnit() * 2 - 1) }
            let b = (0..<(k * n)).map { _ in Float(g.nextUnit() * 2 - 1) }
            var c = [Float](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                kernel(ap.baseAddress!, bp.baseAddress!, cp.baseAddress!, 0..<m, k, n)
            } } }
            let reference = naive(a, b, m: m, k: k, n: n)
            for i in reference.indices {
                XCTAssertEqual(Double(c[i]), reference[i], accuracy: 1e-4 * max(1, abs(reference[i])), "\(name) \(m)×\(k)×\(n) at \(i)")
            }
        }
    }

    /// B packed by the (shared) packing routine, then one build's multiply over all rows.
    static func packed(_ b: UnsafePointer<Float>, k: Int, n: Int, _ body: (UnsafePointer<Float>) -> Void) {
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: Kernels.GemmKernel.packedCount(k: k, n: n))
        defer { packed.deallocate() }
        Kernels.GemmKernel.packB(b, rowStride: n, columnStride: 1, k: k, n: n,
                                 panels: 0..<((n + 15) / 16), into: packed)
        body(packed)
    }

    func testPortableKernelMatchesNaiveProduct() {
        check({ a, b, c, rows, k, n in
            Self.packed(b, k: k, n: n) {
                Kernels.GemmKernel.multiplyRows(a, aRowStride: k, aColumnStride: 1, packedB: $0, c, rows: rows, k: k, n: n,
                                                accumulate: false)
            }
        }, name: "portable")
    }

    func testFMAKernelMatchesNaiveProductWhereSupported() throws {
        try XCTSkipUnless(SystemInfo.cpu().features.contains("fma") && SystemInfo.cpu().features.contains("avx2"),
                          "this CPU has no AVX2 + FMA")
        check({ a, b, c, rows, k, n in
            Self.packed(b, k: k, n: n) {
                KernelsHaswell.GemmKernel.multiplyRows(a, aRowStride: k, aColumnStride: 1, packedB: $0, c, rows: rows, k: k,
                                                       n: n, accumulate: false)
            }
        }, name: "FMA")
    }
}
