/// Inverted dropout with masks that depend only on (seed, step, layer, example, unit): the same for
/// any thread count, and reproducible on resume from the step count alone (no generator state).
enum Dropout {
    /// Zeroes each unit of `y` [B × units] with probability `rate` and scales the others by
    /// 1/(1−rate). `layer` tells the layers' masks apart.
    static func apply(_ y: UnsafeMutablePointer<Float>, batch: Int, units: Int, rate: Double, seed: UInt64,
                      step: Int, layer: Int, threads: Int) {
        let keepBelow = UInt32((1 - rate) * Double(1 << 24))
        let scale = Float(1 / (1 - rate))
        let base = StableHash.fmix64(seed ^ (UInt64(truncatingIfNeeded: step) &* 0x9E37_79B9_7F4A_7C15)
                                  ^ (UInt64(layer + 1) &* 0xC2B2_AE3D_27D4_EB4F))
        let shared = UnsafeSendable(y)
        Parallel.ranges(batch, parts: batch * units >= 1 << 15 ? threads : 1) { rows in
            let y = shared.value
            for i in (rows.lowerBound * units)..<(rows.upperBound * units) {
                let kept = UInt32(truncatingIfNeeded: StableHash.fmix64(base &+ UInt64(i)) >> 40) < keepBelow
                y[i] = kept ? y[i] * scale : 0
            }
        }
    }

    /// The backward of the scaling: `dy` [count] of a dropped-out layer's output times 1/(1−rate).
    /// Dropped units need no mask here: their output is 0, so the ReLU's backward zeroes them.
    static func scaleGradient(_ dy: UnsafeMutablePointer<Float>, count: Int, rate: Double) {
        let scale = Float(1 / (1 - rate))
        for i in 0..<count { dy[i] *= scale }
    }
}
