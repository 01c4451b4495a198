/// Periodic averaging (`--sync-every K`, local SGD): the ranks train alone for K steps, then every
/// replica becomes the average of all — the dense weights and their optimizer state, and the
/// state of the wide coordinates and embedding rows any rank updated since the last average (the
/// others are still equal on every rank). Every rank divides the same sums, so the replicas are
/// bit-identical after each average.
struct ReplicaAveraging {
    let model: WideDeepModel
    let exchange: GradientExchange

    /// Starts logging what each step updates, which the averages need.
    static func logUpdates(of model: WideDeepModel) {
        if let wide = model.wide { wide.touchLog = TouchLog(count: wide.size + 1) }
        for table in model.tables { table.touchLog = TouchLog(count: table.rows) }
    }

    /// Makes every rank's replica the average of the job's.
    func run() {
        averageDense()
        averageWide()
        averageEmbeddings()
    }

    /// Every dense tensor and its optimizer state, averaged in one allreduce.
    private func averageDense() {
        guard !model.layers.isEmpty else { return }
        // The layers' tensors and their optimizer state, as the parameter table lists them.
        let buffers = model.parameters.entries.compactMap { entry -> UnsafeMutableBufferPointer<Float>? in
            guard case .dense = entry.part else { return nil }
            return entry.buffer?()
        }
        var packed = Array(buffers.map { Array($0) }.joined())
        exchange.average(&packed, kind: \.denseBytes)
        var at = 0
        for buffer in buffers {
            _ = buffer.update(fromContentsOf: packed[at..<(at + buffer.count)])
            at += buffer.count
        }
    }

    /// The coordinates any rank stepped since the last average: (z, n) averaged, and the group
    /// the first rank to report the id recorded.
    private func averageWide() {
        guard let wide = model.wide else { return }
        let mine = wide.touchLog!.take()
        let groups = wide.state(of: mine).groups
        let reports = exchange.gatherWide(zip(mine, groups).map { .init(id: $0, gradient: 0, group: $1) })
        // The union in order of first report (the log, empty now, marks the ids seen).
        var union: [Int32] = [], unionGroups: [UInt16] = []
        for report in reports where wide.touchLog!.add(report.id) {
            union.append(report.id)
            unionGroups.append(report.group)
        }
        _ = wide.touchLog!.take()
        var values = wide.state(of: union).values
        exchange.average(&values, kind: \.wideBytes)
        wide.setState(of: union, values: values, groups: unionGroups)
    }

    /// The rows any rank stepped since the last average, per field: values and optimizer state
    /// averaged (all fields in one allreduce), and marked touched.
    private func averageEmbeddings() {
        guard !model.tables.isEmpty else { return }
        let d = model.layout.embeddingDim
        let mine = model.tables.map { $0.touchLog!.take() }
        let all = exchange.gatherRows(mine.map { Int32($0.count) } + mine.joined())
        var unions = [[Int32]](repeating: [], count: model.tables.count)
        var rankStart = 0
        for rankRows in all.counts {
            var at = rankStart + model.tables.count
            for f in model.tables.indices {
                let count = Int(all.rows[rankStart + f])
                for row in all.rows[at..<(at + count)] where model.tables[f].touchLog!.add(row) { unions[f].append(row) }
                at += count
            }
            rankStart += rankRows
        }
        for table in model.tables { _ = table.touchLog!.take() }
        // Per field: every row's values, then each optimizer buffer's rows.
        let buffers = model.tables.map { table in
            model.parameters.entries.compactMap { entry -> UnsafeMutableBufferPointer<Float>? in
                guard entry.part == .embedding(field: table.field) else { return nil }
                return entry.buffer?()
            }
        }
        let total = model.tables.indices.reduce(0) { $0 + buffers[$1].count * unions[$1].count * d }
        // Each union row of each buffer in packing order, with its place in the packed values.
        func forEachRow(_ body: (_ row: UnsafeMutablePointer<Float>, _ at: Int) -> Void) {
            var at = 0
            for f in model.tables.indices {
                for buffer in buffers[f] {
                    for row in unions[f] {
                        body(buffer.baseAddress! + Int(row) * d, at)
                        at += d
                    }
                }
            }
        }
        var packed = [Float](unsafeUninitializedCapacity: total) { packed, count in
            forEachRow { row, at in for k in 0..<d { packed[at + k] = row[k] } }
            count = total
        }
        exchange.average(&packed, kind: \.embeddingBytes)
        packed.withUnsafeBufferPointer { packed in
            forEachRow { row, at in for k in 0..<d { row[k] = packed[at + k] } }
        }
        for (f, table) in model.tables.enumerated() {
            for row in unions[f] { table.touched[Int(row)] = 1 }
        }
    }
}
