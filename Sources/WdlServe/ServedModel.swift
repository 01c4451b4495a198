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
    /// The forward pass writes the model's workspace: one scoring at a time per model (parsing
    /// and encoding, most of a small request's work, run outside it, on every core).
    private let scoring = Mutex<Void>(())

    init(checkpoint: LoadedCheckpoint, file: CheckpointFile) {
        self.checkpoint = checkpoint
        self.file = file
        columns = RequestColumns(schema: checkpoint.layout.schema)
        let meta = checkpoint.metadata
        var identity = JSONWriter()
        identity.raw("{\"run_id\":")
        // Checkpoints record no run id of their own; a metrics log's `run_id` is the run's.
        if let run = meta["run_id"] { identity.string(run) } else { identity.raw("null") }
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

    /// Probabilities of encoded rows (one forward pass at a time on this model).
    func score(_ encoded: EncodedDataset, threads: Int, source: String) throws -> [Float] {
        try scoring.withLock { _ in try checkpoint.probabilities(of: encoded, threads: threads, source: source) }
    }
}
