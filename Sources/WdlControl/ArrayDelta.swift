import WideDeep

/// How one of the snapshot's history arrays changed since a client's copy: the new array is the
/// old array's `keep` slices, in order, followed by `append`. This covers every way the session
/// changes a history — points appended, pairs merged (`LossHistory` compaction: nothing kept,
/// all sent again), a rollback cutting validation points, events evicted from the front or the
/// middle — and the client's copy equals the server's element for element.
public struct ArrayDelta<Element: Codable & Equatable & Sendable>: Sendable, Equatable {
    /// Ranges of the old array to keep, in order, as (start, count).
    public var keep: [Slice]
    public var append: [Element]

    public struct Slice: Sendable, Equatable {
        public var start: Int
        public var count: Int
    }

    public init(keep: [Slice], append: [Element]) {
        self.keep = keep
        self.append = append
    }

    /// The delta that turns `old` into `new`: a greedy scan matching new elements, in order, to
    /// old ones; once a new element has no match further on, the rest is appended. Linear in the
    /// two lengths: the old index only moves forward. `same` says which elements may be kept
    /// (`==` by default; NaN figures need a bitwise comparison to ever match).
    public init(from old: [Element], to new: [Element], same: (Element, Element) -> Bool = { $0 == $1 }) {
        var keep: [Slice] = []
        var i = 0, j = 0
        while i < new.count {
            guard let start = old[j...].firstIndex(where: { same($0, new[i]) }) else { break }
            var count = 1
            while i + count < new.count, start + count < old.count, same(old[start + count], new[i + count]) { count += 1 }
            keep.append(Slice(start: start, count: count))
            i += count
            j = start + count
        }
        self.init(keep: keep, append: Array(new[i...]))
    }

    /// True when applying it changes nothing.
    public func isIdentity(forCount count: Int) -> Bool {
        append.isEmpty && (count == 0 ? keep.isEmpty : keep == [Slice(start: 0, count: count)])
    }

    /// The new array from the client's copy; throws when a slice lies outside it or before the
    /// previous slice's end (the server's slices go forward: `init(from:to:)`), or when the result
    /// would hold more than `maxCount` elements — a client and server out of step, or a server not
    /// to be trusted: the connection cannot go on. Every bound is checked, without overflow,
    /// before anything is allocated.
    public func apply(to old: [Element], maxCount: Int = .max) throws(ControlError) -> [Element] {
        var kept = 0, end = 0
        for slice in keep {
            guard slice.start >= end, slice.start <= old.count, slice.count > 0, slice.count <= old.count - slice.start else {
                let order = slice.start >= 0 && slice.start < end ? ", before the end of the previous slice (\(end))" : ""
                throw .protocolViolation("delta keeps \(slice.count) elements from \(slice.start) of \(old.count)\(order)")
            }
            end = slice.start + slice.count
            kept += slice.count
        }
        guard append.count <= maxCount - kept else {
            throw .protocolViolation("delta makes \(kept) + \(append.count) elements, more than \(maxCount)")
        }
        var result: [Element] = []
        result.reserveCapacity(kept + append.count)
        for slice in keep { result += old[slice.start..<(slice.start + slice.count)] }
        return result + append
    }
}

extension ArrayDelta: Codable {
    private enum Key: String, CodingKey { case keep, append }

    /// `{"keep": [[start, count], …], "append": [elements]}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let pairs = try c.decode([[Int]].self, forKey: .keep)
        guard pairs.allSatisfy({ $0.count == 2 }) else {
            throw DecodingError.dataCorruptedError(forKey: .keep, in: c, debugDescription: "keep holds [start, count] pairs")
        }
        self.init(keep: pairs.map { Slice(start: $0[0], count: $0[1]) }, append: try c.decode([Element].self, forKey: .append))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(keep.map { [$0.start, $0.count] }, forKey: .keep)
        try c.encode(append, forKey: .append)
    }
}
