import Foundation

/// How `wdl predict` writes a row's probability: a bare number per line, CSV with a header (the
/// kept input columns, then `probability`), or JSON lines. A row that could not be parsed keeps
/// its line: an empty probability (bare, CSV) or `null` (JSON), its kept columns as read.
public struct PredictionOutput: Sendable, Equatable {
    public enum Format: Sendable, Equatable { case bare, csv, jsonLines }

    public var format: Format
    /// Input columns written beside the probability, in this order.
    public var keptColumns: [String]

    public static let probabilityColumn = "probability"

    /// `--json` writes JSON lines; kept columns without it, CSV; neither, one bare number per line.
    /// A kept column named like the output's own is refused (the header would name it twice).
    public init(keptColumns: [String], json: Bool) throws {
        if let clash = keptColumns.first(where: { $0 == Self.probabilityColumn }) {
            throw DataError(file: "--keep-columns", "'\(clash)' is the name of the output's own column")
        }
        var seen = Set<String>()
        if let twice = keptColumns.first(where: { !seen.insert($0).inserted }) {
            throw DataError(file: "--keep-columns", "'\(twice)' is listed twice")
        }
        self.keptColumns = keptColumns
        format = json ? .jsonLines : keptColumns.isEmpty ? .bare : .csv
    }

    /// What comes before the first row: the CSV header line, or nothing.
    public func header() -> [UInt8] {
        guard format == .csv else { return [] }
        return Array(((keptColumns + [Self.probabilityColumn]).map(Self.csvField).joined(separator: ",") + "\n").utf8)
    }

    /// The lines of a block: `probabilities` (NaN: not parsed) and the kept columns' text of the
    /// same rows, row-major.
    public func lines(probabilities: [Float], keptValues: [String]) -> [UInt8] {
        if format == .bare { return BatchPrediction.lines(probabilities) }
        let kept = keptColumns.count
        var out = ""
        for (row, p) in probabilities.enumerated() {
            let values = keptValues[(row * kept)..<((row + 1) * kept)]
            switch format {
            case .csv:
                for value in values { out += Self.csvField(value) + "," }
                if !p.isNaN { out += p.description }
            case .jsonLines:
                out += "{"
                for (name, value) in zip(keptColumns, values) { out += Self.jsonString(name) + ":" + Self.jsonString(value) + "," }
                out += Self.jsonString(Self.probabilityColumn) + ":" + (p.isNaN ? "null" : p.description) + "}"
            case .bare:
                break
            }
            out += "\n"
        }
        return Array(out.utf8)
    }

    /// RFC 4180: a field holding a comma, a quote, a line break, or spaces at either end (which
    /// readers trim) is quoted, its quotes doubled.
    static func csvField(_ value: String) -> String {
        // By scalar: "\r\n" is one Character, equal to neither "\r" nor "\n".
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || value.unicodeScalars.first == " " || value.unicodeScalars.last == " "
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A JSON string: quotes, backslashes and control characters escaped (`PlainJSON.quoted`).
    static func jsonString(_ value: String) -> String { PlainJSON.quoted(value) }
}
