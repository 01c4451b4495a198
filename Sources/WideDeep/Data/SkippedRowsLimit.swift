import Foundation

/// How many malformed rows a file may lose before the command reading it stops (`data.max_skipped`,
/// `--max-skipped`): a fraction of the file's data rows or a count of rows. Skipping a few bad
/// rows is normal; losing more than 1% quietly is data loss, so that is the default.
public enum SkippedRowsLimit: Sendable, Equatable, Codable, CustomStringConvertible {
    /// At most this share of the data rows (0…1).
    case fraction(Double)
    /// At most this many rows.
    case count(Int)

    public static let `default` = SkippedRowsLimit.fraction(0.01)
    public static let syntax = "max_skipped is a fraction of the rows (0.05, 5%, 1.0 allows any) or a count of rows (250)"

    /// `0.05` or `5%` (a fraction; `1.0` or `100%` allows any loss), `250` (a count).
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let percent = Double(trimmed.dropLast()), percent.isFinite, (0...100).contains(percent) else { return nil }
            self = .fraction(percent / 100)
        } else if let count = Int(trimmed) {
            guard count >= 0 else { return nil }
            self = .count(count)
        } else if let share = Double(trimmed), share.isFinite, (0...1).contains(share) {
            self = .fraction(share)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .fraction(let share): Self.percent(share)
        case .count(let rows): "\(rows) rows"
        }
    }

    /// Whether `skipped` of `rows` data rows (malformed ones included) is more than allowed.
    public func isExceeded(skipped: Int, rows: Int) -> Bool {
        switch self {
        case .fraction(let share): skipped > 0 && Double(skipped) > share * Double(max(rows, skipped))
        case .count(let limit): skipped > limit
        }
    }

    /// Whether the count alone is over the limit whatever the rows turn out to be (a streamed
    /// pass, before its end): only a count limit can say so early.
    public func isExceededAlready(skipped: Int) -> Bool {
        if case .count(let limit) = self { return skipped > limit }
        return false
    }

    /// Throws when `skipped` of `rows` is more than allowed: the count, the share, the first
    /// three reasons and how to allow it.
    public func check(skipped: Int, rows: Int, errors: [DataError], file: String, flag: String = "--max-skipped") throws {
        guard isExceeded(skipped: skipped, rows: rows) else { return }
        throw DataError(file: file, Self.message(skipped: skipped, rows: rows, errors: errors, limit: self, flag: flag))
    }

    /// `soFar`: a streamed pass not yet over, `rows` those read until now.
    static func message(skipped: Int, rows: Int, errors: [DataError], limit: SkippedRowsLimit, flag: String,
                        soFar: Bool = false) -> String {
        let share = rows > 0 && !soFar ? " (\(percent(Double(skipped) / Double(rows))))" : ""
        let counted = soFar ? "\(skipped) of the first \(rows) rows read could not be read (the pass goes on no further)"
            : "\(skipped) of \(rows) rows could not be read\(share)"
        var text = "\(counted), more than the \(limit) allowed; "
            + "first reasons: " + errors.prefix(3).map(\.description).joined(separator: "; ")
        // Only in a data-parallel job: each rank keeps the errors of the rows it read.
        if errors.isEmpty { text += "none here (another rank of the job read those rows)" }
        text += ". Fix the data (data.missing lists the tokens read as missing), or allow it with \(flag) (or data.max_skipped)"
        return text
    }

    static func percent(_ share: Double) -> String {
        let value = share * 100
        if value == value.rounded() { return "\(Int(value))%" }
        return value >= 0.1 ? "\((value * 10).rounded() / 10)%" : "\(value)%"
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let limit = SkippedRowsLimit(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: Self.syntax))
        }
        self = limit
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .fraction(let share): try c.encode("\(share)")
        case .count(let rows): try c.encode("\(rows)")
        }
    }
}
