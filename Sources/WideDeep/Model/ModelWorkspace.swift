/// Buffers reused by every minibatch (no allocation in the training loop once sized).
/// Raw allocations rather than arrays: layers read one buffer while writing the next, which
/// two accesses to one stored array-of-arrays would forbid.
final class ModelWorkspace {
    private(set) var batchCapacity = 0
    /// activations[0] = x0 [B × width0], activations[l + 1] = output of layers[l].
    private(set) var activations: [UnsafeMutablePointer<Float>] = []
    /// Gradients of the loss with respect to each activation, same shapes.
    private(set) var gradients: [UnsafeMutablePointer<Float>] = []
    private(set) var logits = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var wideLogits = UnsafeMutablePointer<Float>.allocate(capacity: 1)

    func ensure(batch: Int, widths: [Int]) {
        guard batch > batchCapacity else { return }
        release()
        batchCapacity = batch
        activations = widths.map { Self.zeroed(batch * $0) }
        gradients = widths.map { Self.zeroed(batch * $0) }
        logits = Self.zeroed(batch)
        wideLogits = Self.zeroed(batch)
    }

    private static func zeroed(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
        p.initialize(repeating: 0, count: max(1, count))
        return p
    }

    private func release() {
        for p in activations + gradients { p.deallocate() }
        logits.deallocate()
        wideLogits.deallocate()
    }

    deinit { release() }
}
