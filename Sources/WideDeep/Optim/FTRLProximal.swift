/// Per-coordinate FTRL-Proximal (McMahan et al. 2013, "Ad Click Prediction: a View from the
/// Trenches", Algorithm 1), the paper's convention exactly:
///
///     w_i = 0                                              if |z_i| ≤ λ1
///     w_i = −(z_i − sgn(z_i)·λ1) / ((β + √n_i)/α + λ2)     otherwise
///     σ_i = (√(n_i + g_i²) − √n_i) / α
///     z_i ← z_i + g_i − σ_i·w_i
///     n_i ← n_i + g_i²
///
/// z and n start at 0 and are all that is stored; weights are computed from them when needed.
/// Where TensorFlow's `Ftrl` differs (it starts n at 0.1, has β = 0 by default and folds β in as
/// extra L2 β/(2·lr), and its `l2` is λ2/2), this project follows the paper: `l2` here is the
/// paper's λ2 and β enters the per-coordinate rate α/(β + √n).
public struct FTRLProximal: Sendable, Equatable, Codable {
    public var alpha: Double
    public var beta: Double
    public var l1: Double
    public var l2: Double

    public init(alpha: Double, beta: Double, l1: Double, l2: Double) {
        self.alpha = alpha
        self.beta = beta
        self.l1 = l1
        self.l2 = l2
    }

    /// The weight of a coordinate with state (z, n): exactly zero where |z| ≤ λ1.
    @inlinable
    public func weight(z: Float, n: Float) -> Float {
        let zd = Double(z)
        guard abs(zd) > l1 else { return 0 }
        let shrunk = zd - (zd > 0 ? l1 : -l1)
        return Float(-shrunk / ((beta + Double(n).squareRoot()) / alpha + l2))
    }

    /// One step of a coordinate with gradient `g` (the summed gradient of the minibatch).
    @inlinable
    public func update(z: inout Float, n: inout Float, gradient g: Float) {
        let w = Double(weight(z: z, n: n))
        let nd = Double(n), gd = Double(g)
        let newN = nd + gd * gd
        let sigma = (newN.squareRoot() - nd.squareRoot()) / alpha
        z = Float(Double(z) + gd - sigma * w)
        n = Float(newN)
    }

    /// The same step for a coordinate without L1/L2 (the wide part's bias).
    @inlinable
    public func updateUnregularized(z: inout Float, n: inout Float, gradient g: Float) {
        FTRLProximal(alpha: alpha, beta: beta, l1: 0, l2: 0).update(z: &z, n: &n, gradient: g)
    }

    @inlinable
    public func unregularizedWeight(z: Float, n: Float) -> Float {
        FTRLProximal(alpha: alpha, beta: beta, l1: 0, l2: 0).weight(z: z, n: n)
    }
}
