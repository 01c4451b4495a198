import Foundation

extension TensorBoardLog {
    /// Converts a metrics log (`--metrics-out`, JSON Lines) into a new event file in `directory`:
    /// one event per evaluation line (event lines are skipped). Wall times are the records'
    /// `seconds` after a start placed so the last record falls at the log's modification time.
    /// Returns the event file's path and the number of evaluations. A line that is not a JSON
    /// object, or an evaluation without `step`, is an error naming the file and line.
    public static func convert(metricsLog: String, into directory: String) throws -> (path: String, evaluations: Int) {
        guard let data = FileManager.default.contents(atPath: metricsLog) else {
            throw DataError(file: metricsLog, "cannot read the metrics log")
        }
        var records: [(line: Int, figures: [String: Double])] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw DataError(file: metricsLog, line: index + 1, "not a JSON object")
            }
            guard object["event"] == nil else { continue }
            let figures = TensorBoardScalars.numbers(in: object)
            guard figures["step"] != nil else { throw DataError(file: metricsLog, line: index + 1, "an evaluation without \"step\"") }
            records.append((index + 1, figures))
        }
        guard !records.isEmpty else { throw DataError(file: metricsLog, "no evaluation records") }
        let modified = (try? FileManager.default.attributesOfItem(atPath: metricsLog)[.modificationDate] as? Date) ?? Date()
        let start = modified.timeIntervalSince1970 - (records.last?.figures["seconds"] ?? 0)
        let log = try TensorBoardLog(directory: directory)
        for record in records {
            log.add(figures: record.figures, step: Int(record.figures["step"]!),
                    wallTime: start + (record.figures["seconds"] ?? 0))
        }
        if let failure = log.failure { throw DataError(file: log.path, "cannot write: \(failure)") }
        return (log.path, records.count)
    }
}
