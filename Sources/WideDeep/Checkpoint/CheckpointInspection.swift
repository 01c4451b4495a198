import Foundation

/// What `wdl inspect` shows of a checkpoint: the run it comes from, where it stopped, how big each
/// part is, how sparse the wide part is per feature group, the embedding norms per field, and the
/// strongest wide weights named by the feature values they stand for.
public struct CheckpointInspection: Sendable, Encodable {
    public var path: String
    public var fileBytes: Int
    public var formatVersion: String
    public var savedAt: String?
    public var config: RunConfig
    public var step: Int
    public var epoch: Int
    public var examples: Int
    public var parts: [Part]
    public var wide: Wide?
    public var embeddings: [EmbeddingFieldStatistics]
    public var topWeights: [Weight]

    /// Parameters and stored bytes of one part: wide (weights or z, n, and `group_of`),
    /// embeddings (with their `touched` flags), dense layers, the deep optimizer's state.
    public struct Part: Sendable, Encodable, Equatable {
        public var name: String
        public var tensors: Int
        public var parameters: Int
        public var bytes: Int
    }

    public struct Wide: Sendable, Encodable, Equatable {
        public var coordinates: Int
        public var nonzero: Int
        public var touched: Int
        public var bias: Double
        public var groups: [Group]
    }

    /// A wide feature group: coordinates it touched first, and how many of those are non-zero.
    public struct Group: Sendable, Encodable, Equatable {
        public var name: String
        public var nonzero: Int
        public var touched: Int
    }

    /// One wide coordinate: its weight, its feature group and an example feature value hashed to
    /// it in training ("(unnamed)" when none was recorded).
    public struct Weight: Sendable, Encodable, Equatable {
        public var id: Int
        public var weight: Double
        public var group: String
        public var name: String
    }

    public static let unnamed = "(unnamed)"
    /// Most wide weights `wdl inspect --top` lists.
    public static let maxTop = 100_000

    /// Inspects a loaded (hence validated) checkpoint; `top` is how many wide weights to list.
    public init(_ checkpoint: LoadedCheckpoint, top: Int = 20) {
        path = checkpoint.path
        fileBytes = (try? FileManager.default.attributesOfItem(atPath: checkpoint.path)[.size] as? Int) ?? 0
        formatVersion = checkpoint.metadata["format_version"] ?? "?"
        savedAt = checkpoint.metadata["saved_at"]
        config = checkpoint.config
        step = checkpoint.step
        epoch = checkpoint.epoch
        examples = checkpoint.examples
        let model = checkpoint.model
        parts = Self.parts(checkpoint)
        let groupNames = checkpoint.layout.wideGroupNames
        if let linear = model.wide {
            let stats = linear.statistics(groupNames: groupNames)
            wide = Wide(coordinates: linear.size, nonzero: stats.nonzero, touched: stats.touched, bias: Double(linear.bias),
                        groups: stats.groups.map { Group(name: $0.name, nonzero: $0.nonzero, touched: $0.touched) })
            let groupOf = linear.groupOf  // a copy of the interleaved storage: take it once
            topWeights = Self.strongest(linear, count: min(max(0, top), linear.size)).map { id, w in
                let g = Int(groupOf[id])
                return Weight(id: id, weight: Double(w), group: g < groupNames.count ? groupNames[g] : Self.unnamed,
                              name: checkpoint.wideNames[UInt32(id)] ?? Self.unnamed)
            }
        } else {
            wide = nil
            topWeights = []
        }
        embeddings = model.tables.map { $0.statistics() }
    }

    private static func parts(_ checkpoint: LoadedCheckpoint) -> [Part] {
        let table = checkpoint.model.parameters
        var byPart: [String: (tensors: Int, bytes: Int)] = [:]
        for (name, tensor) in checkpoint.file.tensors {
            // A loaded checkpoint's tensors are all the model's (`LoadedCheckpoint.load` checks).
            guard let entry = table[name] else { continue }
            let part: String
            switch entry.part {
            case .wide: part = "wide"
            case _ where entry.isOptimizerState: part = "deep optimizer"
            case .embedding: part = "embeddings"
            case .dense: part = "dense"
            }
            byPart[part, default: (0, 0)].tensors += 1
            byPart[part, default: (0, 0)].bytes += tensor.bytes.count
        }
        let model = checkpoint.model
        let parameters: [String: Int] = [
            "wide": model.wide.map { $0.size + 1 } ?? 0,
            "embeddings": model.tables.reduce(0) { $0 + $1.count },
            "dense": model.layers.reduce(0) { $0 + $1.weight.count + $1.bias.count },
            "deep optimizer": 0,
        ]
        return ["wide", "embeddings", "dense", "deep optimizer"].compactMap { name in
            byPart[name].map { Part(name: name, tensors: $0.tensors, parameters: parameters[name] ?? 0, bytes: $0.bytes) }
        }
    }

    /// The `count` non-zero coordinates (bias excluded) with the largest |w|, largest first; ties
    /// by id. One pass keeping a sorted list of at most `count` entries.
    static func strongest(_ wide: WideLinear, count: Int) -> [(id: Int, weight: Float)] {
        guard count > 0 else { return [] }
        var best: [(id: Int, weight: Float)] = []
        best.reserveCapacity(count + 1)
        for i in 0..<wide.size {
            let w = wide.weight(i)
            guard w != 0 else { continue }
            if best.count == count && abs(w) <= abs(best[count - 1].weight) { continue }
            var low = 0, high = best.count
            while low < high {
                let mid = (low + high) / 2
                if abs(best[mid].weight) >= abs(w) { low = mid + 1 } else { high = mid }
            }
            best.insert((i, w), at: low)
            if best.count > count { best.removeLast() }
        }
        return best
    }

    /// JSON (snake_case keys, sorted), the config as in the checkpoint.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
