@testable import WideDeep

extension DeepOptimizer {
    /// One minibatch's step of one tensor, as the model takes it: `beginStep`, then the update of
    /// `values` (whose state starts at `offset` of tensor `slot`) with `grads`.
    func testStep(slot: Int, values: inout [Float], grads: [Float], offset: Int = 0) {
        beginStep()
        let count = values.count
        values.withUnsafeMutableBufferPointer { v in
            grads.withUnsafeBufferPointer { g in
                update(slot: slot, offset: offset, values: v.baseAddress!, grads: g.baseAddress!, count: count)
            }
        }
    }
}
