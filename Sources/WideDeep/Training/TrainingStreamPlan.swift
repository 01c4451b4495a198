/// What a streamed run knows of its training file before training: where it is, how to read it,
/// and what the fitting pass over its first rows found.
public struct TrainingStreamPlan: Sendable {
    public var path: String
    public var schema: DataSchema
    public var options: StreamOptions
    public var strict: Bool
    /// Training rows in the file: counted when the fitting pass reached the end of the file,
    /// otherwise estimated from its size and the bytes per row of the rows read.
    public var rows: Int
    public var rowsAreEstimate: Bool
    /// Rows the feature layout was fitted on (the file's first rows); 0 when a resumed run's
    /// checkpoint supplied the layout.
    public var fittedRows: Int
    public var fileBytes: Int
    /// In a data-parallel job: the part of the file this rank reads (nil: all of it).
    public var shard: StreamShard?
    /// Negatives sampled while reading (`data.sample_negatives`): the kept fraction and the seed.
    public var negativeSampling: (rate: Double, seed: UInt64)? = nil
    /// Standard input (`--train -`): what the fitting pass read, for the one training pass.
    var piped: PipedInput?

    /// One line for the event log: what was fitted on what, and how the row count is known.
    public var description: String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let fitted: String
        if fittedRows == 0 {
            fitted = "feature layout from the checkpoint"
        } else if rowsAreEstimate {
            fitted = "features fitted on its first \(fittedRows.withThousands) rows (--fit-rows)"
        } else {
            fitted = "features fitted on all its \(fittedRows.withThousands) rows"
        }
        let count = rowsAreEstimate ? "~\(rows.withThousands) rows (estimated from the file size)" : "\(rows.withThousands) rows"
        let order = options.shuffleBuffer > 0 ? "shuffle buffer of \(options.shuffleBuffer.withThousands) rows" : "file order"
        return "streaming \(name): \(count), \(fitted), \(order)"
    }
}

extension Int {
    /// 1234567 → "1,234,567" (the same on every locale).
    var withThousands: String {
        let digits = String(magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}
