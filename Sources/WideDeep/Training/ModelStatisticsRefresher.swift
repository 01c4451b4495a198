/// Refreshes the snapshot's model statistics (wide sparsity per group, embedding norms, dense
/// layer norms): each costs a pass over a large table, so it runs every `interval` seconds, never
/// per step. Keeps the sparsity history the wide panel draws.
struct ModelStatisticsRefresher {
    let interval: Double
    private var lastRefresh = -Double.infinity
    private var sparsityHistory: [Double] = []
    static let historyCapacity = 512

    init(interval: Double) { self.interval = interval }

    func isDue(at now: Double) -> Bool { now - lastRefresh >= interval }

    mutating func refresh(_ model: WideDeepModel, layout: FeatureLayout, step: Int, at now: Double,
                          into snapshot: inout TrainingSnapshot) {
        lastRefresh = now
        if let wide = model.wide {
            let stats = wide.statistics(groupNames: layout.wideGroupNames)
            let sparsity = stats.touched == 0 ? 0 : 1 - Double(stats.nonzero) / Double(stats.touched)
            sparsityHistory.append(sparsity)
            if sparsityHistory.count > Self.historyCapacity {
                sparsityHistory.removeFirst(sparsityHistory.count - Self.historyCapacity)
            }
            snapshot.wide = WideStatistics(nonzero: stats.nonzero, touched: stats.touched, total: wide.size,
                                           groups: stats.groups, sparsityHistory: sparsityHistory, bias: Double(wide.bias))
        }
        snapshot.embeddings = model.tables.map { $0.statistics() }
        snapshot.dense = model.denseStatistics()
        snapshot.statisticsStep = step
    }
}
