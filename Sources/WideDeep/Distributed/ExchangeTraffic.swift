/// What one rank contributed to its training steps' exchanges (and averages): bytes by kind, and
/// the wall time spent in them.
public struct ExchangeTraffic: Sendable, Equatable {
    public var steps = 0
    public var denseBytes = 0
    public var wideBytes = 0
    public var embeddingBytes = 0
    /// Wall seconds spent in the collectives, waiting for the other ranks included.
    public var seconds = 0.0

    public init() {}

    /// Mean bytes per step of each kind (dense, wide, embeddings).
    public var perStep: (dense: Double, wide: Double, embeddings: Double) {
        let n = Double(max(1, steps))
        return (Double(denseBytes) / n, Double(wideBytes) / n, Double(embeddingBytes) / n)
    }
}
