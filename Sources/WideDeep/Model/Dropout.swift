/// Inverted dropout whose mask is a pure function of (seed, step, layer, example, unit), with the
/// example counted in the whole job's minibatch: no generator state, so the masks are the same for
/// any thread count, reproducible on resume from the step count alone, and a data-parallel job of
/// N ranks × B rows draws exactly the masks of one process with minibatches of N × B.
///
/// The hash (counter-based, fixed so that runs are reproducible across builds; never Swift's
/// `Hasher`), with fmix64 MurmurHash3's 64-bit finalizer (`StableHash.fmix64`):
///
///     base(seed, step, layer) = fmix64(seed ⊕ step·0x9E3779B97F4A7C15 ⊕ (layer + 1)·0xC2B2AE3D27D4EB4F)
///     u(example, unit)        = fmix64(base + example·units + unit) >> 40      (24 uniform bits)
///     kept                    ⇔ u < ⌊(1 − rate)·2²⁴⌋
///
/// (products and sums wrap modulo 2⁶⁴; `units` is the layer's width, so example·units + unit
/// names each unit of the layer's [B × units] output once.)
enum Dropout {
    /// Zeroes each unit of `y` [B × units] with probability `rate` and scales the others by
    /// 1/(1−rate). Row b of `y` is example `firstExample + b` of the job's minibatch (0 for a
    /// single process); `layer` tells the layers' masks apart.
    static func apply(_ y: UnsafeMutablePointer<Float>, batch: Int, units: Int, rate: Double, seed: UInt64,
                      step: Int, layer: Int, firstExample: Int = 0, threads: Int) {
        let keepBelow = keepThreshold(rate: rate)
        let scale = Float(1 / (1 - rate))
        let base = maskBase(seed: seed, step: step, layer: layer)
        let first = UInt64(truncatingIfNeeded: firstExample) &* UInt64(units)
        let shared = UnsafeSendable(y)
        Parallel.ranges(batch, parts: batch * units >= 1 << 15 ? threads : 1) { rows in
            let y = shared.value
            for i in (rows.lowerBound * units)..<(rows.upperBound * units) {
                let kept = uniform24(base &+ first &+ UInt64(i)) < keepBelow
                y[i] = kept ? y[i] * scale : 0
            }
        }
    }

    /// Whether unit `unit` of example `example` (of the job's minibatch) is kept at this step and
    /// layer: the mask `apply` draws, one unit at a time.
    static func keeps(seed: UInt64, step: Int, layer: Int, example: Int, unit: Int, units: Int, rate: Double) -> Bool {
        let counter = UInt64(truncatingIfNeeded: example) &* UInt64(units) &+ UInt64(unit)
        return uniform24(maskBase(seed: seed, step: step, layer: layer) &+ counter) < keepThreshold(rate: rate)
    }

    /// The backward of the scaling: `dy` [count] of a dropped-out layer's output times 1/(1−rate).
    /// Dropped units need no mask here: their output is 0, so the ReLU's backward zeroes them.
    static func scaleGradient(_ dy: UnsafeMutablePointer<Float>, count: Int, rate: Double) {
        let scale = Float(1 / (1 - rate))
        for i in 0..<count { dy[i] *= scale }
    }

    private static func maskBase(seed: UInt64, step: Int, layer: Int) -> UInt64 {
        StableHash.fmix64(seed ^ (UInt64(truncatingIfNeeded: step) &* 0x9E37_79B9_7F4A_7C15)
                          ^ (UInt64(truncatingIfNeeded: layer + 1) &* 0xC2B2_AE3D_27D4_EB4F))
    }

    @inline(__always)
    private static func uniform24(_ counter: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: StableHash.fmix64(counter) >> 40)
    }

    private static func keepThreshold(rate: Double) -> UInt32 { UInt32((1 - rate) * Double(1 << 24)) }
}
