import Foundation

/// Turns raw rows into model inputs with a fitted `FeatureLayout`.
///
/// Wide ids (hashed into `hashBuckets`): every categorical value (one per value of a multi-valued
/// field), every bucketized numeric's bucket, and every cross's AND of its components' values
/// (one crossed id per combination when a component is multi-valued, at most `maxCrossIds`).
/// Embedding rows: `rehash(valueHash) mod rows` of each categorical value.
public struct FeatureEncoder: Sendable {
    public let layout: FeatureLayout
    /// Hash states of each bucketized field's buckets: `bucketHashes[b][bucket]`.
    private let bucketHashes: [[UInt64]]
    private let crossStates: [UInt64]
    public static let maxCrossIds = 64
    public static let maxNamedIds = 300_000

    public init(layout: FeatureLayout) {
        self.layout = layout
        bucketHashes = layout.bucketizers.map { b in
            (0..<b.bucketCount).map { StableHash.value(field: "\(b.name)#bucket", String($0)) }
        }
        crossStates = layout.crosses.map { StableHash.crossState($0.name) }
    }

    /// Encodes every row; `readable` (the training set's remembered values) names wide ids.
    public func encode(_ data: RawDataset, nameFeatures: Bool = false, threads: Int = 1) -> EncodedDataset {
        let schema = layout.schema
        let singles = schema.categorical.count
        let multis = schema.multiValued.count
        let numericCount = schema.numeric.count
        let hashBuckets = UInt64(layout.hashBuckets)
        let groupOfBucket = schema.allCategorical.count
        let groupOfCross = groupOfBucket + layout.bucketizers.count

        var wideOffsets: [Int32] = [0]
        var wideIds: [UInt32] = []
        var wideGroups: [UInt16] = []
        var names: [UInt32: String] = [:]
        if layout.schema.format == .criteo || layout.hashBuckets > 0 {
            wideOffsets.reserveCapacity(data.count + 1)
            let perRow = singles + multis + layout.bucketizers.count + layout.crosses.count
            wideIds.reserveCapacity(data.count * perRow)
            wideGroups.reserveCapacity(data.count * perRow)
        }
        var componentValues: [[UInt64]] = []
        var crossBuffer: [UInt64] = []
        for r in 0..<data.count {
            func emit(_ hash: UInt64, group: Int, name: @autoclosure () -> String?) {
                let id = UInt32(hash % hashBuckets)
                wideIds.append(id)
                wideGroups.append(UInt16(group))
                if nameFeatures && r < 100_000 && names.count < Self.maxNamedIds && names[id] == nil,
                   let text = name() {
                    names[id] = text
                }
            }
            let base = r * singles
            for f in 0..<singles {
                let h = data.categorical[base + f]
                emit(h, group: f, name: readable(data, field: f, hash: h).map { "\(schema.categorical[f])=\($0)" })
            }
            for m in 0..<multis {
                for h in data.multiValues(field: m, row: r) {
                    emit(h, group: singles + m,
                         name: readable(data, field: singles + m, hash: h).map { "\(schema.multiValued[m].name)=\($0)" })
                }
            }
            for (b, bucketizer) in layout.bucketizers.enumerated() {
                let bucket = bucketizer.bucket(data.numeric[r * numericCount + layout.bucketColumns[b]])
                emit(bucketHashes[b][bucket], group: groupOfBucket + b,
                     name: "\(bucketizer.name)∈\(bucketizer.describe(bucket: bucket))")
            }
            for (c, cross) in layout.crosses.enumerated() {
                componentValues.removeAll(keepingCapacity: true)
                for component in cross.components {
                    componentValues.append(values(of: component, data: data, row: r))
                }
                forEachCombination(componentValues, limit: Self.maxCrossIds, buffer: &crossBuffer) { combo in
                    let h = StableHash.cross(state: crossStates[c], components: combo)
                    emit(h, group: groupOfCross + c, name: crossName(cross, combo, data: data, row: r))
                }
            }
            wideOffsets.append(Int32(wideIds.count))
        }

        var embeddingRows = [Int32](repeating: 0, count: data.count * singles)
        for f in 0..<singles {
            let rows = UInt64(layout.embeddingRows[f])
            var i = f
            while i < embeddingRows.count {
                embeddingRows[i] = Int32(StableHash.rehash(data.categorical[i]) % rows)
                i += singles
            }
        }
        let multiRows = (0..<multis).map { m in
            let rows = UInt64(layout.embeddingRows[singles + m])
            return data.multiValuedHashes[m].map { Int32(StableHash.rehash($0) % rows) }
        }
        var numeric = [Float](repeating: 0, count: data.count * numericCount)
        for (j, transform) in layout.numeric.enumerated() {
            var i = j
            while i < numeric.count {
                numeric[i] = transform.apply(data.numeric[i])
                i += numericCount
            }
        }
        return EncodedDataset(count: data.count, labels: data.labels, wideOffsets: wideOffsets, wideIds: wideIds,
                              wideGroups: wideGroups, embeddingRows: embeddingRows, singleFields: singles,
                              multiOffsets: data.multiValuedOffsets, multiRows: multiRows, numeric: numeric,
                              numericCount: numericCount, wideNames: names)
    }

    private func values(of component: FeatureLayout.Component, data: RawDataset, row: Int) -> [UInt64] {
        switch component {
        case .categorical(let f):
            let singles = layout.schema.categorical.count
            if f < singles { return [data.categorical[row * singles + f]] }
            return Array(data.multiValues(field: f - singles, row: row))
        case .bucket(let b):
            let bucket = layout.bucketizers[b].bucket(data.numeric[row * layout.schema.numeric.count + layout.bucketColumns[b]])
            return [bucketHashes[b][bucket]]
        }
    }

    private func readable(_ data: RawDataset, field: Int, hash: UInt64) -> String? {
        field < data.readableValues.count ? data.readableValues[field][hash] : nil
    }

    private func crossName(_ cross: FeatureLayout.Cross, _ combo: [UInt64], data: RawDataset, row: Int) -> String? {
        var parts: [String] = []
        for (component, h) in zip(cross.components, combo) {
            switch component {
            case .categorical(let f):
                guard let text = readable(data, field: f, hash: h) else { return nil }
                parts.append("\(layout.schema.allCategorical[f])=\(text)")
            case .bucket(let b):
                let bucketizer = layout.bucketizers[b]
                guard let bucket = bucketHashes[b].firstIndex(of: h) else { return nil }
                parts.append("\(bucketizer.name)∈\(bucketizer.describe(bucket: bucket))")
            }
        }
        return parts.joined(separator: " x ")
    }

    /// Calls `body` with each combination of one value per component, at most `limit` of them.
    private func forEachCombination(_ lists: [[UInt64]], limit: Int, buffer: inout [UInt64],
                                    _ body: ([UInt64]) -> Void) {
        buffer = lists.map { $0[0] }
        if lists.allSatisfy({ $0.count == 1 }) { body(buffer); return }
        var index = [Int](repeating: 0, count: lists.count)
        var emitted = 0
        while emitted < limit {
            for (k, i) in index.enumerated() { buffer[k] = lists[k][i] }
            body(buffer)
            emitted += 1
            var k = lists.count - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < lists[k].count { break }
                index[k] = 0
                k -= 1
            }
            if k < 0 { return }
        }
    }
}
