/// The ids (wide coordinates, or one table's rows) a replica has updated since the job last
/// averaged its replicas: each once, in the order first updated.
struct TouchLog {
    private var marks: [Bool]
    private(set) var ids: [Int32] = []

    init(count: Int) { marks = [Bool](repeating: false, count: count) }

    /// Logs `id`; false when it already was.
    @discardableResult
    mutating func add(_ id: Int32) -> Bool {
        guard !marks[Int(id)] else { return false }
        marks[Int(id)] = true
        ids.append(id)
        return true
    }

    /// The ids logged, in order; the log starts empty again.
    mutating func take() -> [Int32] {
        for id in ids { marks[Int(id)] = false }
        defer { ids.removeAll(keepingCapacity: true) }
        return ids
    }
}
