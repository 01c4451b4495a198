import Dispatch
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

    /// Encodes every row; with `nameFeatures`, wide ids seen in the first 100,000 rows are named
    /// from the training set's remembered values. Rows are encoded in parallel chunks joined in
    /// order, so the result does not depend on `threads`.
    public func encode(_ data: RawDataset, nameFeatures: Bool = false, threads: Int = 1) -> EncodedDataset {
        let schema = layout.schema
        let singles = schema.categorical.count
        let multis = schema.multiValued.count
        let numericCount = schema.numeric.count

        let chunkRows = 32_768
        let chunks = max(1, (data.count + chunkRows - 1) / chunkRows)
        let parts = ChunkResults<WidePart>(count: chunks)
        let encodeChunk: @Sendable (Int) -> Void = { c in
            parts.set(c, self.encodeWide(data, rows: (c * chunkRows)..<min(data.count, (c + 1) * chunkRows),
                                         nameFeatures: nameFeatures))
        }
        if threads > 1 && chunks > 1 {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: encodeChunk)
        } else {
            for c in 0..<chunks { encodeChunk(c) }
        }
        var wideOffsets: [Int32] = [0]
        var wideIds: [UInt32] = [], wideGroups: [UInt16] = []
        var names: [UInt32: String] = [:]
        wideOffsets.reserveCapacity(data.count + 1)
        for c in 0..<chunks {
            let part = parts.take(c)
            let base = Int32(wideIds.count)
            wideOffsets += part.offsets.dropFirst().map { $0 + base }
            wideIds += part.ids
            wideGroups += part.groups
            for (id, name) in part.names where names.count < Self.maxNamedIds && names[id] == nil { names[id] = name }
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

    /// The wide ids of rows `rows`, with CSR offsets starting at 0.
    struct WidePart: Sendable {
        var offsets: [Int32] = [0]
        var ids: [UInt32] = []
        var groups: [UInt16] = []
        var names: [UInt32: String] = [:]
    }

    private func encodeWide(_ data: RawDataset, rows: Range<Int>, nameFeatures: Bool) -> WidePart {
        let schema = layout.schema
        let singles = schema.categorical.count
        let multis = schema.multiValued.count
        let numericCount = schema.numeric.count
        let hashBuckets = UInt64(layout.hashBuckets)
        let groupOfBucket = schema.allCategorical.count
        let groupOfCross = groupOfBucket + layout.bucketizers.count
        var part = WidePart()
        let perRow = singles + multis + layout.bucketizers.count + layout.crosses.count
        part.offsets.reserveCapacity(rows.count + 1)
        part.ids.reserveCapacity(rows.count * perRow)
        part.groups.reserveCapacity(rows.count * perRow)
        // Locals and raw pointers: touching `layout`'s and `data`'s arrays row by row costs a
        // retain and release each (measured: a fifth of the encoding time).
        let bucketizers = layout.bucketizers, bucketColumns = layout.bucketColumns
        let crossComponents = layout.crosses.map(\.components)
        let bucketHashes = self.bucketHashes, crossStates = self.crossStates
        var componentValues: [[UInt64]] = Array(repeating: [], count: crossComponents.map(\.count).max() ?? 0)
        var crossBuffer: [UInt64] = []
        data.categorical.withUnsafeBufferPointer { categorical in
        data.numeric.withUnsafeBufferPointer { numeric in
            for r in rows {
                let naming = nameFeatures && r < 100_000
                func emit(_ hash: UInt64, group: Int, name: @autoclosure () -> String?) {
                    let id = UInt32(hash % hashBuckets)
                    part.ids.append(id)
                    part.groups.append(UInt16(group))
                    if naming && part.names[id] == nil, let text = name() { part.names[id] = text }
                }
                let base = r * singles
                for f in 0..<singles {
                    let h = categorical[base + f]
                    emit(h, group: f, name: readable(data, field: f, hash: h).map { "\(schema.categorical[f])=\($0)" })
                }
                for m in 0..<multis {
                    for h in data.multiValues(field: m, row: r) {
                        emit(h, group: singles + m,
                             name: readable(data, field: singles + m, hash: h).map { "\(schema.multiValued[m].name)=\($0)" })
                    }
                }
                for b in 0..<bucketizers.count {
                    let bucket = bucketizers[b].bucket(numeric[r * numericCount + bucketColumns[b]])
                    emit(bucketHashes[b][bucket], group: groupOfBucket + b,
                         name: "\(bucketizers[b].name)∈\(bucketizers[b].describe(bucket: bucket))")
                }
                for c in 0..<crossComponents.count {
                    let components = crossComponents[c]
                    for k in 0..<components.count {
                        componentValues[k].removeAll(keepingCapacity: true)
                        switch components[k] {
                        case .categorical(let f) where f < singles:
                            componentValues[k].append(categorical[r * singles + f])
                        case .bucket(let b):
                            let bucket = bucketizers[b].bucket(numeric[r * numericCount + bucketColumns[b]])
                            componentValues[k].append(bucketHashes[b][bucket])
                        case .categorical(let f):
                            componentValues[k].append(contentsOf: data.multiValues(field: f - singles, row: r))
                        }
                    }
                    forEachCombination(componentValues[0..<components.count], limit: Self.maxCrossIds, buffer: &crossBuffer) { combo in
                        let h = StableHash.cross(state: crossStates[c], components: combo)
                        emit(h, group: groupOfCross + c, name: naming ? crossName(layout.crosses[c], combo, data: data, row: r) : nil)
                    }
                }
                part.offsets.append(Int32(part.ids.count))
            }
        }
        }
        return part
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
    private func forEachCombination(_ lists: ArraySlice<[UInt64]>, limit: Int, buffer: inout [UInt64],
                                    _ body: ([UInt64]) -> Void) {
        buffer.removeAll(keepingCapacity: true)
        for list in lists { buffer.append(list[0]) }
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
