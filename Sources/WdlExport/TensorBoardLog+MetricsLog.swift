import Foundation
import WideDeep

extension TensorBoardLog {
    /// Converts a metrics log (`--metrics-out`, JSON Lines) into a new event file in `directory`:
    /// one event per evaluation line (event lines are skipped). Wall times are the records'
    /// `seconds` after a start placed so the last record falls at the log's modification time.
    /// Returns the event file's path, the number of evaluations, and whether a last line cut
    /// short (no newline, not a whole JSON object: a run killed mid-write, or one still being
    /// written) was left out, as `wdl view` leaves it. Lines end in LF or CRLF. Any other line
    /// that is not a JSON object, or an evaluation without `step`, is an error naming the file
    /// and line.
    public static func convert(metricsLog: String, into directory: String) throws
        -> (path: String, evaluations: Int, skippedCutLine: Bool) {
        guard let data = FileManager.default.contents(atPath: metricsLog) else {
            throw DataError(file: metricsLog, "cannot read the metrics log")
        }
        var records: [(line: Int, figures: [String: Double])] = []
        var skippedCutLine = false
        let lines = data.split(separator: 10, omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.last == 13 ? rawLine.dropLast() : rawLine
            guard !line.allSatisfy({ $0 == 32 || $0 == 9 }) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                // The last line has no newline after it (split leaves it last): cut short.
                if index == lines.count - 1 {
                    skippedCutLine = true
                    continue
                }
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
        if let failure = log.failure { throw OutputError(path: log.path, "cannot write: \(failure)") }
        return (log.path, records.count, skippedCutLine)
    }
}
