import Foundation
import Synchronization
import WideDeep

/// One loaded checkpoint as the server uses it: read-only once built, shared by every request
/// that started while it was current (a reload swaps in a new one; requests in flight keep theirs).
final class ServedModel: Sendable {
    let checkpoint: LoadedCheckpoint
    let columns: RequestColumns
    let file: CheckpointFile
    /// `{"run_id": …, "file": …, "step": …, "id": …}`: what answered, in every response.
    let identityJSON: [UInt8]
    /// The body of `GET /v1/model`.
    let descriptionJSON: [UInt8]
    /// The forward pass writes a model's workspace, so each copy of the model scores one request
    /// at a time (parsing and encoding run outside, on every core); with several copies
    /// (`--replicas`), that many requests are scored at once.
    private let replicas: [Replica]
    private let nextReplica = Atomic<Int>(0)

    private final class Replica: Sendable {
        let checkpoint: LoadedCheckpoint
        let scoring = Mutex<Void>(())
        init(_ checkpoint: LoadedCheckpoint) { self.checkpoint = checkpoint }
    }

    /// Loads and validates `file`, `replicas` times; every copy must be the same checkpoint (the
    /// file may be replaced between two loads).
    static func load(_ file: CheckpointFile, replicas: Int) throws -> ServedModel {
        let first = try LoadedCheckpoint.load(path: file.path)
        var copies = [first]
        for _ in 1..<max(1, replicas) {
            let copy = try LoadedCheckpoint.load(path: file.path)
            guard copy.metadata == first.metadata else {
                throw CheckpointError(path: file.path, "the file was replaced while its copies were loaded; load it again")
            }
            copies.append(copy)
        }
        return ServedModel(copies, file: file)
    }

    private init(_ copies: [LoadedCheckpoint], file: CheckpointFile) {
        let checkpoint = copies[0]
        replicas = copies.map(Replica.init)
        self.checkpoint = checkpoint
        self.file = file
        columns = RequestColumns(schema: checkpoint.layout.schema)
        let meta = checkpoint.metadata
        var identity = JSONWriter()
        identity.raw("{\"run_id\":")
        // The run that saved it, as its metrics log names it; null for a checkpoint saved before
        // checkpoints recorded it.
        if let run = meta[CheckpointMetadata.runIDKey] { identity.string(run) } else { identity.raw("null") }
        identity.raw(",\"file\":")
        identity.string(checkpoint.path)
        identity.raw(",\"step\":\(checkpoint.step),\"id\":")
        // The metadata's CRC32C: differs between any two checkpoints, even of one step.
        if let crc = meta["metadata_crc32c"] { identity.string(crc) } else { identity.raw("null") }
        identity.raw("}")
        identityJSON = identity.bytes

        var description = JSONWriter()
        description.raw("{\"model\":")
        description.bytes += identityJSON
        description.raw(",\"format\":")
        description.string(checkpoint.layout.schema.format.rawValue)
        description.raw(",\"columns\":[")
        for (i, name) in columns.names.enumerated() {
            if i > 0 { description.raw(",") }
            description.string(name)
        }
        description.raw("],\"step\":\(checkpoint.step),\"epoch\":\(checkpoint.epoch),\"examples\":\(checkpoint.examples),\"saved_at\":")
        if let saved = meta["saved_at"] { description.string(saved) } else { description.raw("null") }
        // Metadata entries that are JSON, as saved; each was decoded when the checkpoint loaded.
        for (key, name) in [("config", "config"), ("layout", "feature_layout"), ("hyperparameters", "hyperparameters"),
                            (CheckpointMetadata.bestKey, "best_at_save")] {
            description.raw(",\"\(name)\":")
            if let text = meta[key], Self.isJSON(text) { description.raw(text) } else { description.raw("null") }
        }
        description.raw("}\n")
        descriptionJSON = description.bytes
    }

    private static func isJSON(_ text: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
    }

    /// Probabilities of encoded rows: on the first free copy of the model from a rotating start,
    /// else waiting for the one at the start.
    func score(_ encoded: EncodedDataset, threads: Int, source: String) throws -> [Float] {
        let start = nextReplica.wrappingAdd(1, ordering: .relaxed).oldValue
        for k in 0..<replicas.count {
            let replica = replicas[(start &+ k) % replicas.count]
            let scored: Result<[Float], any Error>? = replica.scoring.withLockIfAvailable { _ in
                Result { try replica.checkpoint.probabilities(of: encoded, threads: threads, source: source) }
            }
            if let scored { return try scored.get() }
        }
        let replica = replicas[start % replicas.count]
        return try replica.scoring.withLock { _ in try replica.checkpoint.probabilities(of: encoded, threads: threads, source: source) }
    }
}
