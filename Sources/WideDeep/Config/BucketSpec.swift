/// How a numeric column is cut into buckets for the wide part.
public enum BucketSpec: Sendable, Equatable, Codable {
    /// Fixed boundaries, ascending: buckets (−∞, b0), [b0, b1), …, [b_last, ∞), as TensorFlow's
    /// `bucketized_column`.
    case boundaries([Double])
    /// `quantile:N`: N buckets whose boundaries are fitted on the training data.
    case quantiles(Int)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let list = try? container.decode([Double].self) {
            guard !list.isEmpty else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "bucket boundaries are empty")
            }
            guard zip(list, list.dropFirst()).allSatisfy({ $0 < $1 }), list.allSatisfy(\.isFinite) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "bucket boundaries must be finite and strictly ascending")
            }
            self = .boundaries(list)
            return
        }
        guard let text = try? container.decode(String.self) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a list of ascending numbers or \"quantile:N\" (N from 2 to 1000)")
        }
        self = try BucketSpec(parsing: text) ?? {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected a list of boundaries or \"quantile:N\" (N from 2 to 1000), got \"\(text)\"")
        }()
    }

    /// Parses `quantile:N`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "quantile", let n = Int(parts[1]), (2...1000).contains(n) else {
            return nil
        }
        self = .quantiles(n)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .boundaries(let list): try container.encode(list)
        case .quantiles(let n): try container.encode("quantile:\(n)")
        }
    }
}
