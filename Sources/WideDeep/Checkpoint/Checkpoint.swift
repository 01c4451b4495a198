import Foundation
import SafeTensors

/// A saved run: model parameters, optimizer state and everything needed to continue, in the
/// safetensors layout (readable by Python's `safetensors.numpy.load_file`).
///
/// Tensors: the model's `ParameterTable`, each under its name with its shape and dtype (the
/// names and shapes are listed there and in docs/checkpoints.md).
/// Metadata (strings): format and version, the run config and fitted feature layout as JSON, the
/// hashing scheme, step, epoch, examples, position in the data order, RNG states,
/// hyperparameters, event history, readable names of wide ids, a CRC32C of all of these
/// (`metadata_crc32c`); the SafeTensors module adds a CRC32C per tensor.
public enum Checkpoint {
    public static let formatName = "wdl-checkpoint"
    /// 2: the metadata carries its own checksum (`CheckpointIntegrity`); version 1 files, with
    /// tensor checksums only, still load.
    public static let formatVersion = 2
    public static let hashingScheme = "wide id = fmix64(FNV-1a-64(utf8(field) 0x1F utf8(value))) mod hash_buckets; crosses hash the component hashes; embedding row = fmix64(value_hash ^ 0x9e3779b97f4a7c15) mod rows"

    /// Writes `request` to `<directory>/<name>.safetensors` atomically; returns the path.
    public static func save(_ request: CheckpointRequest) throws -> String {
        try save(request, writeOptions: SafeTensorsFile.WriteOptions())
    }

    /// `save` with explicit write options (tests use SafeTensors' hook that stops before the rename).
    static func save(_ request: CheckpointRequest, writeOptions: SafeTensorsFile.WriteOptions) throws -> String {
        if let bad = request.state.firstNonFiniteTensor {
            throw CheckpointError(path: request.directory, "refused to save: tensor '\(bad)' holds NaN or infinite values")
        }
        let folder = URL(fileURLWithPath: request.directory)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError(path: request.directory, "cannot create the checkpoint folder: \(error.localizedDescription)")
        }
        let url = folder.appendingPathComponent("\(request.name).safetensors")
        let file = try makeFile(request)
        try file.write(to: url, options: writeOptions)
        return url.path
    }

    /// Creates `directory` if needed and proves it writable with a probe file, so that a run
    /// learns at its start, not at its end, that its checkpoints cannot be saved.
    public static func prepareFolder(_ directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError(path: directory, "cannot create the checkpoint folder: \(error.localizedDescription)")
        }
        let probe = URL(fileURLWithPath: directory).appendingPathComponent(".wdl-write-probe-\(getpid())").path
        guard FileManager.default.createFile(atPath: probe, contents: Data("probe".utf8)) else {
            throw CheckpointError(path: directory, "the checkpoint folder is not writable")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }

    static func makeFile(_ request: CheckpointRequest) throws -> SafeTensorsFile {
        var tensors: [String: Tensor] = [:]
        // Shapes are the model's (`ParameterTable`, recorded in the state); [count] otherwise.
        let shapes = request.state.shapes
        for (name, values) in request.state.floats { tensors[name] = try Tensor(values, shape: shapes[name] ?? [values.count]) }
        for (name, values) in request.state.uint16 { tensors[name] = try Tensor(values) }
        for (name, values) in request.state.uint8 { tensors[name] = try Tensor(values) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        let position = request.position
        var metadata: [String: String] = [
            "format": formatName,
            "format_version": String(formatVersion),
            "config": try json(request.config),
            "layout": try json(request.layout),
            "hashing": hashingScheme,
            "step": String(request.step),
            "epoch": String(request.epoch),
            "examples": String(request.examples),
            "epoch_offset": String(position.epochOffset),
            "epoch_start_rng": words(position.epochStartGenerator.state),
            "rng_state": words(request.generator.state),
            "deep_optimizer_steps": String(request.state.deepOptimizerSteps),
            "hyperparameters": try json(Dictionary(uniqueKeysWithValues: request.hyperparameters.map { ($0.parameter.rawValue, $0.value) })),
            "events": try json(request.events.suffix(100).map { SavedEvent(step: $0.step, seconds: $0.seconds, kind: $0.kind.rawValue, message: $0.message) }),
            "wide_names": try json(Dictionary(uniqueKeysWithValues: request.wideNames.map { (String($0.key), $0.value) })),
            "saved_at": ISO8601DateFormatter().string(from: Date()),
        ]
        metadata["model_mode"] = request.config.model.mode.rawValue
        if let best = request.best?.metadataValue { metadata[CheckpointMetadata.bestKey] = best }
        if let runID = request.runID { metadata[CheckpointMetadata.runIDKey] = runID }
        if let rate = CheckpointMetadata.negativeSamplingValue(request.config.negativeSamplingRate) {
            metadata[CheckpointMetadata.negativeSamplingKey] = rate
        }
        CheckpointIntegrity.seal(&metadata)
        return SafeTensorsFile(metadata: metadata, tensors: tensors)
    }

    /// The file's dtype of a model's tensor.
    static func dtype(of entry: ParameterEntry) -> DType {
        switch entry.dtype {
        case .f32: .f32
        case .u16: .u16
        case .u8: .u8
        }
    }

    struct SavedEvent: Codable {
        var step: Int
        var seconds: Double
        var kind: String
        var message: String
    }

    static func words(_ state: (UInt64, UInt64, UInt64, UInt64)) -> String {
        [state.0, state.1, state.2, state.3].map { String($0, radix: 16) }.joined(separator: ",")
    }

    static func parseWords(_ text: String?) -> (UInt64, UInt64, UInt64, UInt64)? {
        guard let parts = text?.split(separator: ",").compactMap({ UInt64($0, radix: 16) }), parts.count == 4 else { return nil }
        return (parts[0], parts[1], parts[2], parts[3])
    }
}

/// A checkpoint problem, naming the file.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var message: String
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }
    /// One line, terminal-safe (`TerminalSafe`).
    public var description: String { "\(TerminalSafe.escape(path)): \(TerminalSafe.escape(message, maxCharacters: 1000))" }

    /// A file the SafeTensors reader refused, said once (its message repeats the path) and,
    /// where the cause is plain, in the user's terms.
    static func unreadable(_ path: String, _ error: SafeTensorsError) -> CheckpointError {
        var reason = error.description
        for shown in [path, URL(fileURLWithPath: path).path] where reason.hasPrefix(shown + ": ") {
            reason.removeFirst(shown.count + 2)
            break
        }
        switch error {
        case .offsetsOutOfBounds, .truncatedData:
            reason += " — the file is truncated or not a checkpoint"
        default:
            break
        }
        return CheckpointError(path: path, "not a readable checkpoint: \(reason)")
    }
}
