import Foundation

/// Writes the run's metrics as JSON Lines (`--metrics-out`): one object per evaluation and one per
/// event (`RunRecord`), keys sorted, each line written whole as soon as it is made, so a crash
/// loses nothing already logged. Every line carries the run's id (`run_id`, to tell runs apart
/// in collected logs) and its wall-clock time (`time`, ISO 8601 UTC).
/// Sendable: `write` holds `lock` around the encoder, the file and `wholeBytes`.
public final class MetricsLog: @unchecked Sendable {
    private let handle: FileHandle
    public let path: String
    /// The file existed before this run and was emptied (a run's log is its own; the session
    /// says so in an event rather than refusing).
    public let replacedExisting: Bool
    /// Bytes of whole lines written; a failed write is cut back to it. Under `lock`, with the
    /// encoder and the file: a line is written whole whichever thread logs it.
    private var wholeBytes: UInt64 = 0
    private let lock = NSLock()
    /// The run's id (`TrainingRun.runID`; a random one by default).
    public let runID: String
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

    public init(path: String, runID: String = UUID().uuidString.lowercased()) throws {
        self.path = path
        self.runID = runID
        var info = stat()
        replacedExisting = stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        // Opened in place (FileManager.createFile writes a new file and renames it over the path,
        // which would replace a device such as /dev/full with a regular file).
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OutputError(path: path, "cannot create the metrics file", errno: errno)
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    deinit { try? handle.close() }

    /// Appends one record as one line. When the write fails (a full disk may take part of the
    /// line), the file is cut back to its last whole line and the error thrown.
    public func write(_ record: some Encodable) throws {
        try lock.withLock { try writeLocked(record) }
    }

    private func writeLocked(_ record: some Encodable) throws {
        var line = try encoder.encode(Stamped(record: record, runID: runID, time: clock.string(from: Date())))
        line.append(10)
        do {
            try handle.write(contentsOf: line)
        } catch {
            try? handle.truncate(atOffset: wholeBytes)
            throw OutputError(path: path, "cannot write the metrics log", underlying: error)
        }
        wholeBytes += UInt64(line.count)
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
