import CProcessorHints

/// The wide part: a sparse linear model over hashed wide ids, `logit = Σ w_id + bias` (Cheng et
/// al. 2016, eq. 1, with binary features), trained per coordinate with FTRL-Proximal by default,
/// or with AdaGrad / SGD as tf.keras' WideDeepModel allows.
///
/// Storage is `size + 1` coordinates, the last being the bias, which gets no L1/L2.
/// What `z` and `n` hold is the rule's (`WideOptimizerRule.wideStateTensors`): FTRL's z and n as
/// the paper; AdaGrad's weights and accumulators; SGD's weights.
/// Sendable: owned by its model (one owner at a time); parallel tasks write disjoint coordinates.
public final class WideLinear: @unchecked Sendable {
    public let size: Int
    /// A stored copy of `optimizer`'s case, for the per-example forward pass.
    public let kind: WideOptimizerName
    /// Whether the rule's weight is computed from (z, n) and cached in each coordinate's slot
    /// (FTRL); otherwise z is the weight.
    private let cachesWeight: Bool
    /// Only the tunable settings below change after init, so the case always matches `kind`;
    /// a change of FTRL's settings (a command mid-run) recomputes every cached weight.
    public private(set) var optimizer: WideOptimizerSettings {
        didSet { if optimizer.ftrl != oldValue.ftrl { refreshWeights() } }
    }
    /// FTRL's settings; nil, and not settable, when the wide part is not FTRL.
    public var ftrl: FTRLProximal? {
        get { optimizer.ftrl }
        set { optimizer.ftrl = newValue }
    }
    /// The learning rate of AdaGrad or SGD; nil, and not settable, with FTRL.
    public var learningRate: Double? {
        get { optimizer.learningRate }
        set { optimizer.learningRate = newValue }
    }
    public static let untouched = UInt16.max

    /// Everything one coordinate needs, interleaved in 16 bytes: the forward pass, the gradient
    /// accumulation and the update of an id each touch one cache line instead of four arrays
    /// (the wide part is bound by these random accesses into a space of millions of ids).
    struct Coordinate {
        var z: Float
        var n: Float
        /// While `inBatch` is set: the minibatch's summed gradient. Otherwise, with FTRL, the
        /// weight of (z, n), cached so the forward pass needs no square root and division per id
        /// (it was a fifth of wide-only training's time); 0 for the other optimizers.
        var slot: Float
        var group: UInt16
        var inBatch: UInt16
    }

    /// `size + 1` coordinates; the last is the bias.
    private let coordinates: UnsafeMutablePointer<Coordinate>
    private var batchIds: [Int32] = []
    /// With periodic averaging: the coordinates stepped since the replicas were last averaged.
    var touchLog: TouchLog?

    public init(size: Int, optimizer: WideOptimizerSettings) {
        self.size = size
        kind = optimizer.name
        self.optimizer = optimizer
        coordinates = LargeAllocation.allocate(Coordinate.self, count: size + 1)
        cachesWeight = type(of: optimizer.rule).cachesWeight
        let tensors = optimizer.rule.wideStateTensors
        let z = tensors[0].initialValue, n = tensors.count > 1 ? tensors[1].initialValue : 0
        coordinates.initialize(repeating: Coordinate(z: z, n: n, slot: 0, group: Self.untouched, inBatch: 0),
                               count: size + 1)
        if z != 0 { refreshWeights() }
    }

    deinit { LargeAllocation.deallocate(coordinates) }

    /// FTRL's z per coordinate (AdaGrad, SGD: the weights), bias last. A copy: for checkpoints.
    public var z: [Float] { (0...size).map { coordinates[$0].z } }

    /// FTRL's n (AdaGrad: the accumulators), bias last. A copy: for checkpoints.
    public var n: [Float] { (0...size).map { coordinates[$0].n } }

    /// Sets z and, unless nil (SGD keeps none), n — `size + 1` values each, bias last — then
    /// recomputes the cached weights once.
    public func restore(z: [Float], n: [Float]?) {
        precondition(z.count == size + 1 && (n?.count ?? size + 1) == size + 1)
        for i in 0...size { coordinates[i].z = z[i] }
        if let n { for i in 0...size { coordinates[i].n = n[i] } }
        refreshWeights()
    }

    /// Sets n alone (`size + 1` values, bias last), then recomputes the cached weights.
    public func restore(n: [Float]) {
        precondition(n.count == size + 1)
        for i in 0...size { coordinates[i].n = n[i] }
        refreshWeights()
    }

    /// Feature group that first updated each coordinate; `untouched` where none has.
    public var groupOf: [UInt16] {
        get { (0..<size).map { coordinates[$0].group } }
        set {
            precondition(newValue.count == size)
            for i in 0..<size { coordinates[i].group = newValue[i] }
        }
    }

    /// Recomputes the cached FTRL weights from z and n (after a restore or a settings change).
    private func refreshWeights() {
        guard cachesWeight else { return }
        for i in 0...size where coordinates[i].inBatch == 0 {
            coordinates[i].slot = coordinates[i].z == 0 ? 0 : weight(i)
        }
    }

    /// The weight of coordinate `i` (`size` is the bias), from z and n.
    @inline(__always)
    public func weight(_ i: Int) -> Float {
        let c = coordinates[i]
        switch optimizer {
        case .ftrl(let rule): return rule.weight(z: c.z, n: c.n, isBias: i == size)
        case .adagrad(let rule): return rule.weight(z: c.z, n: c.n, isBias: i == size)
        case .sgd(let rule): return rule.weight(z: c.z, n: c.n, isBias: i == size)
        }
    }

    public var bias: Float { weight(size) }

    /// Forward for one example: bias + Σ w over its ids. Not during a minibatch's accumulation.
    @inline(__always)
    public func logit(ids: UnsafeBufferPointer<UInt32>) -> Float {
        if cachesWeight {
            var sum = coordinates[size].slot
            for id in ids { sum += coordinates[Int(id)].slot }
            return sum
        }
        var sum = coordinates[size].z
        for id in ids { sum += coordinates[Int(id)].z }
        return sum
    }

    /// Asks for the coordinates of `ids` to be brought into cache (each is 16 bytes of one line).
    @inline(__always)
    public func prefetch(ids: UnsafeBufferPointer<UInt32>) {
        for id in ids { wdl_prefetch(coordinates + Int(id)) }
    }

    /// Adds one example's logit gradient to each of its ids (x = 1) and to the bias.
    @inline(__always)
    public func accumulate(ids: UnsafeBufferPointer<UInt32>, groups: UnsafeBufferPointer<UInt16>, gradient g: Float) {
        for (k, id) in ids.enumerated() {
            let c = coordinates + Int(id)
            if c.pointee.inBatch == 0 {
                c.pointee.inBatch = 1
                c.pointee.slot = 0          // the cached weight gives way to the gradient sum
                batchIds.append(Int32(id))
            }
            c.pointee.slot += g
            if c.pointee.group == Self.untouched { c.pointee.group = groups[k] }
        }
        let bias = coordinates + size
        if bias.pointee.inBatch == 0 {
            bias.pointee.inBatch = 1
            bias.pointee.slot = 0
        }
        bias.pointee.slot += g
    }

    /// A coordinate the minibatch touched, as ranks exchange it: its summed gradient and the
    /// feature group that touched it first (a replica that never saw the id must record the same).
    struct BatchGradient: BitwiseCopyable {
        var id: Int32
        var gradient: Float
        var group: UInt16
    }

    /// The minibatch's touched coordinates (the bias, id `size`, last) with their summed
    /// gradients, taken out of the batch: `addBatch` then puts in the job's.
    func takeBatch() -> [BatchGradient] {
        if coordinates[size].inBatch != 0 { batchIds.append(Int32(size)) }
        defer { batchIds.removeAll(keepingCapacity: true) }
        return batchIds.map { id in
            let c = coordinates + Int(id)
            return BatchGradient(id: id, gradient: takeGradient(c), group: c.pointee.group)
        }
    }

    /// Adds the job's gradients (`count` pairs of one rank at `pairs`, called for every rank in
    /// rank order) to the minibatch. An id's group is its first pair's: the group a single
    /// process would have recorded first, which this rank may have replaced by its own when it
    /// first touched the id in this step. The other ranks' ids are mostly new to this one, so
    /// their coordinates are prefetched a few pairs ahead.
    func addBatch(_ pairs: UnsafeRawPointer, count: Int) {
        let stride = MemoryLayout<BatchGradient>.stride, ahead = 8
        for j in 0..<count {
            if j + ahead < count {
                wdl_prefetch_write(coordinates + Int(pairs.loadUnaligned(fromByteOffset: (j + ahead) * stride, as: Int32.self)))
            }
            let pair = pairs.loadUnaligned(fromByteOffset: j * stride, as: BatchGradient.self)
            let c = coordinates + Int(pair.id)
            if c.pointee.inBatch == 0 {
                c.pointee.inBatch = 1
                c.pointee.slot = 0
                c.pointee.group = pair.group
                if Int(pair.id) != size { batchIds.append(pair.id) }  // `applyUpdates` adds the bias
            }
            c.pointee.slot += pair.gradient
        }
    }

    /// The state (z, n) of coordinates `ids`, two values each, and their feature groups.
    func state(of ids: [Int32]) -> (values: [Float], groups: [UInt16]) {
        let values = [Float](unsafeUninitializedCapacity: ids.count * 2) { values, count in
            for (k, id) in ids.enumerated() {
                values[2 * k] = coordinates[Int(id)].z
                values[2 * k + 1] = coordinates[Int(id)].n
            }
            count = ids.count * 2
        }
        return (values, ids.map { coordinates[Int($0)].group })
    }

    /// Sets the state (z, n) and group of coordinates `ids` between minibatches (the cached
    /// FTRL weights follow).
    func setState(of ids: [Int32], values: [Float], groups: [UInt16]) {
        for (k, id) in ids.enumerated() {
            let c = coordinates + Int(id)
            c.pointee.z = values[2 * k]
            c.pointee.n = values[2 * k + 1]
            c.pointee.group = groups[k]
            if cachesWeight { c.pointee.slot = c.pointee.z == 0 ? 0 : weight(Int(id)) }
        }
    }

    /// Applies the minibatch's summed gradients, coordinate by coordinate, and clears them
    /// (with FTRL, the slot takes the new weight). A coordinate whose gradients summed to exactly
    /// zero is not stepped (the step would be a no-op for FTRL and AdaGrad too: σ = 0 and z, n
    /// unchanged).
    public func applyUpdates(threads: Int = 1) {
        if coordinates[size].inBatch != 0 { batchIds.append(Int32(size)) }
        if touchLog != nil { for id in batchIds { touchLog!.add(id) } }
        let count = batchIds.count
        // Coordinates are independent, so a large minibatch's are split across threads; each
        // coordinate's arithmetic is the same whichever thread does it.
        batchIds.withUnsafeBufferPointer { ids in
            Parallel.ranges(count, parts: count >= 4096 ? threads : 1) { range in
                apply(ids: UnsafeBufferPointer(rebasing: ids[range]))
            }
        }
        batchIds.removeAll(keepingCapacity: true)
    }

    /// Picks the rule once for the pass; `step` runs specialised for it.
    private func apply(ids: UnsafeBufferPointer<Int32>) {
        switch optimizer {
        case .ftrl(let rule): step(ids: ids, rule: rule)
        case .adagrad(let rule): step(ids: ids, rule: rule)
        case .sgd(let rule): step(ids: ids, rule: rule)
        }
    }

    /// Steps each coordinate of `ids` whose summed gradient is not zero; with a rule whose
    /// weight is cached, the slot takes the new weight.
    @inline(__always)
    private func step<Rule: WideOptimizerRule>(ids: UnsafeBufferPointer<Int32>, rule: Rule) {
        for id in ids {
            let i = Int(id)
            let c = coordinates + i
            let g = takeGradient(c)
            if g != 0 { rule.step(z: &c.pointee.z, n: &c.pointee.n, gradient: g, isBias: i == size) }
            if Rule.cachesWeight { c.pointee.slot = rule.weight(z: c.pointee.z, n: c.pointee.n, isBias: i == size) }
        }
    }

    /// A coordinate's summed gradient of the minibatch, clearing it and its in-batch mark.
    @inline(__always)
    private func takeGradient(_ c: UnsafeMutablePointer<Coordinate>) -> Float {
        let g = c.pointee.slot
        c.pointee.slot = 0
        c.pointee.inBatch = 0
        return g
    }

    /// Non-zero and touched coordinates, overall and per feature group.
    public func statistics(groupNames: [String]) -> (nonzero: Int, touched: Int, groups: [WideGroupStatistics]) {
        var nonzero = [Int](repeating: 0, count: groupNames.count)
        var touched = [Int](repeating: 0, count: groupNames.count)
        for i in 0..<size {
            let g = coordinates[i].group
            guard g != Self.untouched, Int(g) < groupNames.count else { continue }
            touched[Int(g)] += 1
            if weight(i) != 0 { nonzero[Int(g)] += 1 }
        }
        let groups = groupNames.indices.map {
            WideGroupStatistics(name: groupNames[$0], nonzero: nonzero[$0], touched: touched[$0])
        }
        return (nonzero.reduce(0, +), touched.reduce(0, +), groups)
    }
}
