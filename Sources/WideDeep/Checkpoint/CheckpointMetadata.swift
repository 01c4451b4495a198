import Foundation
import SafeTensors

/// Reads a checkpoint's metadata without loading its tensors (resuming, inspecting).
public enum CheckpointMetadata {
    public static func header(of path: String) throws -> SafeTensorsHeader {
        if let problem = InputFile.problem(with: path) { throw CheckpointError(path: path, problem) }
        do {
            return try SafeTensorsFile.readHeader(of: URL(fileURLWithPath: path))
        } catch let error as SafeTensorsError {
            throw CheckpointError.unreadable(path, error)
        }
    }

    /// The run config saved in the checkpoint, with the hyperparameters in force when it was
    /// saved; refused when the saved layout is not one fitting gives for it.
    public static func config(of path: String) throws -> RunConfig {
        let meta = try header(of: path).metadata
        guard meta["format"] == Checkpoint.formatName else {
            throw CheckpointError(path: path, "a safetensors file, but not a wdl checkpoint")
        }
        guard let text = meta["config"], var config = try? JSONDecoder().decode(RunConfig.self, from: Data(text.utf8)) else {
            throw CheckpointError(path: path, "metadata 'config' is missing or not valid")
        }
        // The layout is the config's (as `LoadedCheckpoint.load` checks again): a resumed run
        // reads its data with this config's columns and encodes them with that layout.
        if let text = meta["layout"], let layout = try? JSONDecoder().decode(FeatureLayout.self, from: Data(text.utf8)),
           let problem = layout.fittingProblem(config: config) {
            throw CheckpointError(path: path, "metadata 'layout' is not one training produces: \(problem)")
        }
        if let text = meta["hyperparameters"],
           let values = try? JSONDecoder().decode([String: Double].self, from: Data(text.utf8)) {
            config = config.applying(hyperparameters: values)
        }
        // Checked here, before flags override it, so that the error names the checkpoint.
        do { try config.validate() } catch let error as ConfigError {
            throw CheckpointError(path: path, "the recorded config is invalid: \(error.message)")
        }
        return config
    }
}
