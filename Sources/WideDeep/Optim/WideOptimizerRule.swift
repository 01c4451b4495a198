/// One of the wide part's two per-coordinate state tensors, as a rule declares it: what
/// checkpoints save under `wide.<suffix>`, what a fresh model starts it at, and its role (the
/// weights themselves, or optimizer state with its domain).
public struct WideStateTensor: Sendable, Equatable {
    public var suffix: String
    public var initialValue: Float
    public var role: ParameterRole

    public init(suffix: String, initialValue: Float, role: ParameterRole) {
        self.suffix = suffix
        self.initialValue = initialValue
        self.role = role
    }

    /// The plain weights, as AdaGrad and SGD keep them in the first slot.
    static let weights = WideStateTensor(suffix: "weight", initialValue: 0, role: .weight)
}

/// One wide optimizer rule: its state per coordinate (at most two floats, `z` and `n` of
/// `WideLinear`'s interleaved coordinates) and its step of one coordinate. `WideLinear` picks the
/// rule once per pass and runs a loop specialised for it, so nothing is dispatched per coordinate.
/// Adding a rule: its type conforming here, a case of `WideOptimizerSettings` and
/// `WideOptimizerName`, and its tests.
protocol WideOptimizerRule: Sendable {
    /// The tensors the coordinates' `z` and (if a second is declared) `n` are saved as, in that order.
    var wideStateTensors: [WideStateTensor] { get }
    /// Whether the weight is computed from (z, n), so `WideLinear` caches it for the forward pass
    /// (FTRL); otherwise z is the weight.
    static var cachesWeight: Bool { get }
    /// The weight of a coordinate; `isBias` for the bias, which gets no regularization.
    func weight(z: Float, n: Float, isBias: Bool) -> Float
    /// One step of a coordinate with its minibatch's summed gradient `g` (never 0).
    func step(z: inout Float, n: inout Float, gradient g: Float, isBias: Bool)
    /// The state with no optimizer history whose weight is `w` (a warm start that copies the
    /// weights only), or nil when these settings cannot hold `w` so.
    func freshState(weight w: Float, isBias: Bool) -> (z: Float, n: Float)?
    /// Why `freshState` refused a coordinate (the bias when `isBias`), and what to do instead.
    func freshStateRefusal(isBias: Bool) -> String
}

extension WideOptimizerRule {
    func freshStateRefusal(isBias: Bool) -> String { "fresh optimizer state cannot hold the saved weights" }
}

extension FTRLProximal: WideOptimizerRule {
    var wideStateTensors: [WideStateTensor] {
        [WideStateTensor(suffix: "ftrl_z", initialValue: 0, role: .optimizerState(.real)),
         WideStateTensor(suffix: "ftrl_n", initialValue: 0, role: .optimizerState(.nonNegative))]
    }

    static var cachesWeight: Bool { true }

    @inline(__always)
    func weight(z: Float, n: Float, isBias: Bool) -> Float {
        isBias ? unregularizedWeight(z: z, n: n) : weight(z: z, n: n)
    }

    @inline(__always)
    func step(z: inout Float, n: inout Float, gradient g: Float, isBias: Bool) {
        if isBias { updateUnregularized(z: &z, n: &n, gradient: g) } else { update(z: &z, n: &n, gradient: g) }
    }

    /// With n = 0 the weight is −z/(β/α + λ2) after L1's shrink by λ1 (McMahan et al. 2013,
    /// Algorithm 1), so z = −w·(β/α + λ2) − sgn(w)·λ1 for w ≠ 0, and for the unregularized bias
    /// z = −w·β/α. Needs β > 0 (or λ2 > 0 for a weight): else no z gives w ≠ 0.
    func freshState(weight w: Float, isBias: Bool) -> (z: Float, n: Float)? {
        guard w != 0 else { return (0, 0) }
        let wd = Double(w)
        if isBias {
            guard beta > 0 else { return nil }
            return (Float(-wd * beta / alpha), 0)
        }
        guard beta / alpha + l2 > 0 else { return nil }
        return (Float(-wd * (beta / alpha + l2) - (wd > 0 ? l1 : -l1)), 0)
    }

    func freshStateRefusal(isBias: Bool) -> String {
        "FTRL β is 0\(isBias ? "" : " and λ2 is 0") here, so fresh FTRL state (n = 0) cannot hold the saved weights; set --ftrl-beta above 0 or pass --warm-start-optimizer"
    }
}

extension AdaGrad: WideOptimizerRule {
    /// The weights, then the accumulator the deep part's tensors keep too.
    var wideStateTensors: [WideStateTensor] {
        let accumulator = stateTensors[0]
        return [.weights, WideStateTensor(suffix: accumulator.suffix, initialValue: accumulator.initialValue,
                                          role: .optimizerState(accumulator.domain))]
    }

    static var cachesWeight: Bool { false }

    @inline(__always)
    func weight(z: Float, n: Float, isBias: Bool) -> Float { z }

    @inline(__always)
    func step(z: inout Float, n: inout Float, gradient g: Float, isBias: Bool) {
        Self.step(weight: &z, accumulator: &n, gradient: g, lr: Float(learningRate), eps: Float(epsilon))
    }

    func freshState(weight w: Float, isBias: Bool) -> (z: Float, n: Float)? { (w, Float(initialAccumulator)) }
}

extension SGD: WideOptimizerRule {
    var wideStateTensors: [WideStateTensor] { [.weights] }

    static var cachesWeight: Bool { false }

    @inline(__always)
    func weight(z: Float, n: Float, isBias: Bool) -> Float { z }

    @inline(__always)
    func step(z: inout Float, n: inout Float, gradient g: Float, isBias: Bool) {
        z -= Float(learningRate) * g
    }

    func freshState(weight w: Float, isBias: Bool) -> (z: Float, n: Float)? { (w, 0) }
}
