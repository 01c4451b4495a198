import XCTest
@testable import WideDeep

final class GemmTests: XCTestCase {
    /// C[m×n] (+)= A[m×k]·B[k×n] by the textbook triple loop, in Double.
    private func naive(_ a: [Float], _ b: [Float], _ c: [Float], m: Int, k: Int, n: Int, accumulate: Bool) -> [Double] {
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = accumulate ? Double(c[i * n + j]) : 0
                for p in 0..<k { s += Double(a[i * k + p]) * Double(b[p * n + j]) }
                out[i * n + j] = s
            }
        }
        return out
    }

    private func random(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float(generator.nextUnit() * 2 - 1) }
    }

    private func multiply(_ a: [Float], _ b: [Float], _ c: [Float], m: Int, k: Int, n: Int, accumulate: Bool, threads: Int) -> [Float] {
        var out = c
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { c in
                    Gemm.multiply(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: m, k: k, n: n,
                                  accumulate: accumulate, threads: threads)
                }
            }
        }
        return out
    }

    let shapes: [(m: Int, k: Int, n: Int)] = [
        (1, 1, 1), (7, 13, 5), (33, 257, 19), (4, 3, 32), (5, 2, 33), (8, 16, 8), (9, 1, 40), (3, 7, 9), (64, 64, 64),
        (130, 70, 100), (1, 300, 7), (257, 50, 1),
    ]

    func testMatchesNaiveTripleLoop() {
        var generator = SeededGenerator(seed: 99)
        for (m, k, n) in shapes {
            let a = random(m * k, &generator), b = random(k * n, &generator), c = random(m * n, &generator)
            for accumulate in [false, true] {
                let expected = naive(a, b, c, m: m, k: k, n: n, accumulate: accumulate)
                let actual = multiply(a, b, c, m: m, k: k, n: n, accumulate: accumulate, threads: 1)
                // Relative to the size of the terms: Σ|a·b| bounds the rounding of the sum.
                for i in 0..<m {
                    for j in 0..<n {
                        var scale = accumulate ? abs(Double(c[i * n + j])) : 0
                        for p in 0..<k { scale += abs(Double(a[i * k + p]) * Double(b[p * n + j])) }
                        XCTAssertEqual(Double(actual[i * n + j]), expected[i * n + j], accuracy: 1e-4 * max(scale, 1e-6),
                                       "\(m)×\(k)×\(n) accumulate \(accumulate) at (\(i), \(j))")
                    }
                }
            }
        }
    }

    /// A given as its transpose (the weight-gradient product) is the same product: every element
    /// sums the same terms in the same order, so the results are bit-identical.
    func testTransposedAEqualsRowMajorA() {
        var generator = SeededGenerator(seed: 7)
        for (m, k, n) in shapes {
            let a = random(m * k, &generator), b = random(k * n, &generator), c = random(m * n, &generator)
            var aT = [Float](repeating: 0, count: m * k)
            for i in 0..<m { for p in 0..<k { aT[p * m + i] = a[i * k + p] } }
            for threads in [1, 2] {
                let expected = multiply(a, b, c, m: m, k: k, n: n, accumulate: true, threads: threads)
                var actual = c
                aT.withUnsafeBufferPointer { at in
                    b.withUnsafeBufferPointer { b in
                        actual.withUnsafeMutableBufferPointer { out in
                            Gemm.multiply(at.baseAddress!, b.baseAddress!, out.baseAddress!, m: m, k: k, n: n,
                                          accumulate: true, transposedA: true, threads: threads)
                        }
                    }
                }
                XCTAssertEqual(actual, expected, "\(m)×\(k)×\(n), \(threads) threads")
            }
        }
    }

    func testBitIdenticalForAnyThreadCount() {
        var generator = SeededGenerator(seed: 5)
        for (m, k, n) in shapes + [(256, 300, 77), (513, 129, 65), (1000, 100, 50)] {
            let a = random(m * k, &generator), b = random(k * n, &generator), c = random(m * n, &generator)
            for accumulate in [false, true] {
                let one = multiply(a, b, c, m: m, k: k, n: n, accumulate: accumulate, threads: 1)
                for threads in [2, 3, 8] {
                    let many = multiply(a, b, c, m: m, k: k, n: n, accumulate: accumulate, threads: threads)
                    XCTAssertEqual(one.map(\.bitPattern), many.map(\.bitPattern), "\(m)×\(k)×\(n) threads \(threads)")
                }
            }
        }
    }

    /// B given as its transpose (dx = dA·Wᵀ reading W in place) is the same product, bit for bit,
    /// alone and together with a transposed A.
    func testTransposedBEqualsRowMajorB() {
        var generator = SeededGenerator(seed: 8)
        for (m, k, n) in shapes {
            let a = random(m * k, &generator), b = random(k * n, &generator), c = random(m * n, &generator)
            var aT = [Float](repeating: 0, count: m * k), bT = [Float](repeating: 0, count: k * n)
            for i in 0..<m { for p in 0..<k { aT[p * m + i] = a[i * k + p] } }
            for p in 0..<k { for j in 0..<n { bT[j * k + p] = b[p * n + j] } }
            for threads in [1, 2] {
                let expected = multiply(a, b, c, m: m, k: k, n: n, accumulate: true, threads: threads)
                for transposedA in [false, true] {
                    var actual = c
                    (transposedA ? aT : a).withUnsafeBufferPointer { a in
                        bT.withUnsafeBufferPointer { bt in
                            actual.withUnsafeMutableBufferPointer { out in
                                Gemm.multiply(a.baseAddress!, bt.baseAddress!, out.baseAddress!, m: m, k: k, n: n,
                                              accumulate: true, transposedA: transposedA, transposedB: true, threads: threads)
                            }
                        }
                    }
                    XCTAssertEqual(actual, expected, "\(m)×\(k)×\(n), transposed A \(transposedA), \(threads) threads")
                }
            }
        }
    }

    /// One scratch reused across products of different shapes (as a dense layer reuses its own)
    /// gives the same results as a fresh one each time.
    func testReusedScratchAcrossShapes() {
        var generator = SeededGenerator(seed: 9)
        let scratch = GemmScratch()
        for (m, k, n) in shapes.reversed() + shapes {
            let a = random(m * k, &generator), b = random(k * n, &generator)
            let expected = multiply(a, b, [Float](repeating: 0, count: m * n), m: m, k: k, n: n, accumulate: false, threads: 2)
            var actual = [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    actual.withUnsafeMutableBufferPointer { out in
                        Gemm.multiply(a.baseAddress!, b.baseAddress!, out.baseAddress!, m: m, k: k, n: n,
                                      threads: 2, scratch: scratch)
                    }
                }
            }
            XCTAssertEqual(actual, expected, "\(m)×\(k)×\(n)")
        }
    }
}
