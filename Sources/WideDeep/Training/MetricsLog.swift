import Foundation

/// Writes the run's metrics as JSON Lines (`--metrics-out`): one object per evaluation and one per
/// event (`RunRecord`), keys sorted, each line written whole as soon as it is made, so a crash
/// loses nothing already logged. Every line carries the run's id (`run_id`, to tell runs apart
/// in collected logs) and its wall-clock time (`time`, ISO 8601 UTC).
public final class MetricsLog: @unchecked Sendable {
    private let handle: FileHandle
    public let path: String
    /// A random id of this run's log (not derived from the seed: two runs of one config differ).
    public let runID = UUID().uuidString.lowercased()
    private let clock: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

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

    /// Appends one record as one line (the line and its newline in one write, so a failing disk
    /// leaves no half line behind a whole one). Throws when the write fails.
    public func write(_ record: some Encodable) throws {
        var line = try encoder.encode(Stamped(record: record, runID: runID, time: clock.string(from: Date())))
        line.append(10)
        try handle.write(contentsOf: line)
    }
}

/// A record with the log's `run_id` and `time` keys added to its own.
private struct Stamped<Record: Encodable>: Encodable {
    var record: Record
    var runID: String
    var time: String

    func encode(to encoder: Encoder) throws {
        try record.encode(to: encoder)
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(runID, forKey: "run_id")
        try c.encode(time, forKey: "time")
    }
}
