import Foundation

/// Writes the run's metrics as JSON Lines: one object per evaluation and one per event, each line
/// flushed as written so a crash loses nothing already logged.
public final class MetricsLog: @unchecked Sendable {
    private let handle: FileHandle
    public let path: String

    public init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw DataError(file: path, "cannot create the metrics file")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw DataError(file: path, "cannot open the metrics file for writing")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    public func write(_ record: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: Self.jsonSafe(record), options: [.sortedKeys]) else { return }
        handle.write(data)
        handle.write(Data([10]))
    }

    /// JSON has no NaN or infinity: such values are written as null.
    static func jsonSafe(_ record: [String: Any]) -> [String: Any] {
        record.mapValues { value in
            if let d = value as? Double, !d.isFinite { return NSNull() }
            return value
        }
    }
}
