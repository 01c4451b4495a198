import Foundation

/// Writes the run's metrics as JSON Lines (`--metrics-out`): one object per evaluation and one per
/// event (`RunRecord`), keys sorted, each line written whole as soon as it is made, so a crash
/// loses nothing already logged.
public final class MetricsLog: @unchecked Sendable {
    private let handle: FileHandle
    public let path: String
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
        var line = try encoder.encode(record)
        line.append(10)
        try handle.write(contentsOf: line)
    }
}
