/// The project's one random number generator: xoshiro256** (Blackman & Vigna 2018) seeded
/// through SplitMix64, so a seed gives the same stream on every machine and its four words of
/// state can be saved in a checkpoint and restored exactly.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9e37_79b9_7f4a_7c15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        self.state = state
    }

    public static func == (lhs: SeededGenerator, rhs: SeededGenerator) -> Bool {
        lhs.state == rhs.state
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Standard normal by Box–Muller (one of the pair is used, so the stream stays simple).
    public mutating func nextGaussian() -> Double {
        var u = nextUnit()
        while u <= 0 { u = nextUnit() }
        let v = nextUnit()
        return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
    }

    /// Normal truncated at two standard deviations (TensorFlow's truncated_normal), resampled.
    public mutating func nextTruncatedGaussian() -> Double {
        while true {
            let x = nextGaussian()
            if abs(x) <= 2 { return x }
        }
    }

    /// A seeded Fisher–Yates shuffle of 0..<count.
    public mutating func permutation(_ count: Int) -> [Int32] {
        var order = (0..<Int32(count)).map { $0 }
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = Int(next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        return order
    }
}

@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }

import Foundation
