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
    /// order, so the result does not depend on `threads`. Without `deepInputs` (a wide-only model)
    /// the embedding rows and numerics are left out: the dataset then has no deep fields.
    public func encode(_ data: RawDataset, nameFeatures: Bool = false, threads: Int = 1,
                       deepInputs: Bool = true) -> EncodedDataset {
        let schema = layout.schema
        let singles = schema.categorical.count
        let multis = schema.multiValued.count
        let numericCount = schema.numeric.count

        // Embedding rows and numerics have fixed places, so chunks write them in place. So do wide
        // ids when every row has the same number (no multi-valued field); otherwise the chunks'
        // ids are joined after. In place, no chunk's ids outlive it: the 1M-row run's peak
        // resident memory fell by the ids' size (264 MB).
        let fixedWidth: Int? = multis == 0 ? singles + layout.bucketizers.count + layout.crosses.count : nil
        var embeddingRows = [Int32](repeating: 0, count: deepInputs ? data.count * singles : 0)
        var numeric = [Float](repeating: 0, count: deepInputs ? data.count * numericCount : 0)
        var wideIds = [UInt32](repeating: 0, count: data.count * (fixedWidth ?? 0))
        var wideGroups = [UInt16](repeating: 0, count: data.count * (fixedWidth ?? 0))
        let chunkRows = 32_768
        let chunks = max(1, (data.count + chunkRows - 1) / chunkRows)
        let parts = ChunkResults<WidePart>(count: chunks)
        embeddingRows.withUnsafeMutableBufferPointer { embeddingOut in
        numeric.withUnsafeMutableBufferPointer { numericOut in
        wideIds.withUnsafeMutableBufferPointer { idsOut in
        wideGroups.withUnsafeMutableBufferPointer { groupsOut in
            let outputs = UnsafeSendable((embeddingOut, numericOut, idsOut, groupsOut))
            let encodeChunk: @Sendable (Int) -> Void = { c in
                let (embeddingOut, numericOut, idsOut, groupsOut) = outputs.value
                let rows = (c * chunkRows)..<min(data.count, (c + 1) * chunkRows)
                var part = self.encodeWide(data, rows: rows)
                if nameFeatures { self.name(&part, data: data, rows: rows.clamped(to: 0..<Self.namedRows)) }
                if let width = fixedWidth {
                    let at = rows.lowerBound * width
                    _ = UnsafeMutableBufferPointer(rebasing: idsOut[at..<(at + part.ids.count)]).update(fromContentsOf: part.ids)
                    _ = UnsafeMutableBufferPointer(rebasing: groupsOut[at..<(at + part.groups.count)])
                        .update(fromContentsOf: part.groups)
                    part.ids = []
                    part.groups = []
                    part.offsets = []
                }
                parts.set(c, part)
                if deepInputs { self.encodeDeep(data, rows: rows, embeddingRows: embeddingOut, numeric: numericOut) }
            }
            Parallel.forEach(chunks, threads: threads, encodeChunk)
        }
        }
        }
        }
        var wideOffsets: [Int32]
        var names: [UInt32: String] = [:]
        var widePart = (0..<chunks).map { parts.take($0) }
        if let width = fixedWidth {
            wideOffsets = (0...data.count).map { Int32($0 * width) }
        } else {
            wideOffsets = [Int32](repeating: 0, count: data.count + 1)
            // Exact capacity: growing by doubling would hold up to twice the ids.
            let total = widePart.reduce(0) { $0 + $1.ids.count }
            wideIds.reserveCapacity(total)
            wideGroups.reserveCapacity(total)
        }
        for c in 0..<chunks {
            let part = widePart[c]
            widePart[c] = WidePart()          // each chunk's ids are freed once joined
            if fixedWidth == nil {
                let base = Int32(wideIds.count), first = c * chunkRows
                for (i, offset) in part.offsets.enumerated().dropFirst() { wideOffsets[first + i] = offset + base }
                wideIds += part.ids
                wideGroups += part.groups
            }
            for (id, name) in part.names where names.count < Self.maxNamedIds && names[id] == nil { names[id] = name }
        }
        guard deepInputs else {
            return EncodedDataset(count: data.count, labels: data.labels, wideOffsets: wideOffsets, wideIds: wideIds,
                                  wideGroups: wideGroups, embeddingRows: [], singleFields: 0, multiOffsets: [],
                                  multiRows: [], numeric: [], numericCount: 0, wideNames: names, weights: data.weights)
        }
        let multiRows = (0..<multis).map { m in
            let rows = UInt64(layout.embeddingRows[singles + m])
            return data.multiValuedHashes[m].map { Int32(StableHash.rehash($0) % rows) }
        }
        return EncodedDataset(count: data.count, labels: data.labels, wideOffsets: wideOffsets, wideIds: wideIds,
                              wideGroups: wideGroups, embeddingRows: embeddingRows, singleFields: singles,
                              multiOffsets: data.multiValuedOffsets, multiRows: multiRows, numeric: numeric,
                              numericCount: numericCount, wideNames: names, weights: data.weights)
    }

    /// Rows whose wide ids get readable names (the training set's first rows).
    static let namedRows = 100_000

    /// The wide ids of rows `rows`, with CSR offsets starting at 0.
    struct WidePart: Sendable {
        var offsets: [Int32] = [0]
        var ids: [UInt32] = []
        var groups: [UInt16] = []
        var names: [UInt32: String] = [:]
    }

    /// Embedding rows (`rehash(value) mod rows`) and transformed numerics of rows `rows`, written
    /// at their places in the row-major outputs.
    private func encodeDeep(_ data: RawDataset, rows: Range<Int>, embeddingRows: UnsafeMutableBufferPointer<Int32>,
                            numeric: UnsafeMutableBufferPointer<Float>) {
        let singles = layout.schema.categorical.count, numericCount = layout.schema.numeric.count
        let tableRows = layout.embeddingRows.prefix(singles).map { UInt64($0) }
        let transforms = layout.numeric
        data.categorical.withUnsafeBufferPointer { categorical in
            for i in (rows.lowerBound * singles)..<(rows.upperBound * singles) {
                embeddingRows[i] = Int32(StableHash.rehash(categorical[i]) % tableRows[i % singles])
            }
        }
        data.numeric.withUnsafeBufferPointer { raw in
            for i in (rows.lowerBound * numericCount)..<(rows.upperBound * numericCount) {
                numeric[i] = transforms[i % numericCount].apply(raw[i])
            }
        }
    }

    /// Wide ids of rows `rows`, in this order per row: categorical values (singles, then each
    /// value of each multi-valued field), numeric buckets, crosses. Only locals and raw pointers
    /// in the loop: reaching `layout`'s or `data`'s arrays from a closure per id copied those
    /// structs (a retain and release per array), measured at a fifth of the whole command.
    private func encodeWide(_ data: RawDataset, rows: Range<Int>) -> WidePart {
        let schema = layout.schema
        let singles = schema.categorical.count
        let multis = schema.multiValued.count
        let numericCount = schema.numeric.count
        let hashBuckets = UInt64(layout.hashBuckets)
        let groupOfBucket = schema.allCategorical.count
        let groupOfCross = groupOfBucket + layout.bucketizers.count
        let bucketizers = layout.bucketizers, bucketColumns = layout.bucketColumns
        let bucketHashes = self.bucketHashes, crossStates = self.crossStates
        let multiOffsets = data.multiValuedOffsets, multiHashes = data.multiValuedHashes
        let crosses = layout.crosses
        // Crosses flattened: component k of cross c is plan[starts[c] + k], a categorical field
        // index f ≥ 0 or a bucketizer b as −(b + 1). A simple cross (no multi-valued component)
        // has exactly one id, hashed here without building its component lists.
        var plan: [Int] = [], starts: [Int] = [0], simple: [Bool] = []
        for cross in crosses {
            for component in cross.components {
                switch component {
                case .categorical(let f): plan.append(f)
                case .bucket(let b): plan.append(-(b + 1))
                }
            }
            starts.append(plan.count)
            simple.append(cross.components.allSatisfy { if case .categorical(let f) = $0 { f < singles } else { true } })
        }
        let perRow = singles + multis + bucketizers.count + layout.crosses.count
        var offsets: [Int32] = [0], ids: [UInt32] = [], groups: [UInt16] = []
        offsets.reserveCapacity(rows.count + 1)
        ids.reserveCapacity(rows.count * perRow)
        groups.reserveCapacity(rows.count * perRow)
        var componentValues: [[UInt64]] = Array(repeating: [], count: layout.crosses.map(\.components.count).max() ?? 0)
        var crossBuffer: [UInt64] = []
        data.categorical.withUnsafeBufferPointer { categorical in
        data.numeric.withUnsafeBufferPointer { numeric in
            func bucketHash(_ b: Int, row r: Int) -> UInt64 {
                bucketHashes[b][bucketizers[b].bucket(numeric[r * numericCount + bucketColumns[b]])]
            }
            for r in rows {
                let base = r * singles
                for f in 0..<singles {
                    ids.append(UInt32(categorical[base + f] % hashBuckets))
                    groups.append(UInt16(f))
                }
                for m in 0..<multis {
                    for j in Int(multiOffsets[m][r])..<Int(multiOffsets[m][r + 1]) {
                        ids.append(UInt32(multiHashes[m][j] % hashBuckets))
                        groups.append(UInt16(singles + m))
                    }
                }
                for b in 0..<bucketizers.count {
                    ids.append(UInt32(bucketHash(b, row: r) % hashBuckets))
                    groups.append(UInt16(groupOfBucket + b))
                }
                for c in 0..<crossStates.count {
                    let group = UInt16(groupOfCross + c)
                    if simple[c] {
                        var h = crossStates[c]
                        for k in starts[c]..<starts[c + 1] {
                            h = StableHash.crossStep(h, plan[k] >= 0 ? categorical[base + plan[k]] : bucketHash(-plan[k] - 1, row: r))
                        }
                        ids.append(UInt32(StableHash.fmix64(h) % hashBuckets))
                        groups.append(group)
                        continue
                    }
                    collectComponents(of: crosses[c], row: r, data: data, into: &componentValues)
                    Self.forEachCombination(componentValues[0..<crosses[c].components.count], limit: Self.maxCrossIds,
                                            buffer: &crossBuffer) { combo in
                        ids.append(UInt32(StableHash.cross(state: crossStates[c], components: combo) % hashBuckets))
                        groups.append(group)
                    }
                }
                offsets.append(Int32(ids.count))
            }
        }
        }
        return WidePart(offsets: offsets, ids: ids, groups: groups)
    }

    /// Names the ids `encodeWide` emitted for rows `rows` (a prefix of the part's rows), walking
    /// the features in the same order; a name is built only for an id not yet named.
    private func name(_ part: inout WidePart, data: RawDataset, rows: Range<Int>) {
        guard !rows.isEmpty else { return }
        let schema = layout.schema
        let singles = schema.categorical.count
        let numericCount = schema.numeric.count
        let first = rows.lowerBound
        var componentValues: [[UInt64]] = Array(repeating: [], count: layout.crosses.map(\.components.count).max() ?? 0)
        var crossBuffer: [UInt64] = []
        for r in rows {
            var position = Int(part.offsets[r - first])
            func emit(name: @autoclosure () -> String?) {
                let id = part.ids[position]
                position += 1
                if part.names[id] == nil, let text = name() { part.names[id] = text }
            }
            for f in 0..<singles {
                let h = data.categorical[r * singles + f]
                emit(name: readable(data, field: f, hash: h).map { "\(schema.categorical[f])=\($0)" })
            }
            for m in 0..<schema.multiValued.count {
                for h in data.multiValues(field: m, row: r) {
                    emit(name: readable(data, field: singles + m, hash: h).map { "\(schema.multiValued[m].name)=\($0)" })
                }
            }
            for (b, bucketizer) in layout.bucketizers.enumerated() {
                let bucket = bucketizer.bucket(data.numeric[r * numericCount + layout.bucketColumns[b]])
                emit(name: "\(bucketizer.name)∈\(bucketizer.describe(bucket: bucket))")
            }
            for cross in layout.crosses {
                collectComponents(of: cross, row: r, data: data, into: &componentValues)
                Self.forEachCombination(componentValues[0..<cross.components.count], limit: Self.maxCrossIds,
                                        buffer: &crossBuffer) { combo in
                    emit(name: crossName(cross, combo, data: data, row: r))
                }
            }
        }
    }

    /// Component k's value hashes of `cross` in row `r` into `values[k]` (several for a
    /// multi-valued field, one otherwise).
    private func collectComponents(of cross: FeatureLayout.Cross, row r: Int, data: RawDataset,
                                   into values: inout [[UInt64]]) {
        let singles = layout.schema.categorical.count, numericCount = layout.schema.numeric.count
        for (k, component) in cross.components.enumerated() {
            values[k].removeAll(keepingCapacity: true)
            switch component {
            case .categorical(let f) where f < singles:
                values[k].append(data.categorical[r * singles + f])
            case .bucket(let b):
                let bucket = layout.bucketizers[b].bucket(data.numeric[r * numericCount + layout.bucketColumns[b]])
                values[k].append(bucketHashes[b][bucket])
            case .categorical(let f):
                values[k].append(contentsOf: data.multiValues(field: f - singles, row: r))
            }
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
    private static func forEachCombination(_ lists: ArraySlice<[UInt64]>, limit: Int, buffer: inout [UInt64],
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
