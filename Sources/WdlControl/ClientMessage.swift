import WideDeep

/// What a client sends: one JSON object per line (docs/control-protocol.md).
public enum ClientMessage: Sendable, Equatable {
    /// The first message: the protocol version the client speaks, who it is (shown as the
    /// command source in the run's events and metrics log) and whether it only watches.
    case hello(version: Int, client: String, readOnly: Bool)
    /// A command; the server answers `ack` or `refused` with the same `id`.
    case command(id: Int, TrainingCommand)
}

extension ClientMessage: Codable {
    private enum Key: String, CodingKey { case type, version, client, readOnly, id, command }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        switch try c.decode(String.self, forKey: .type) {
        case "hello":
            self = .hello(version: try c.decode(Int.self, forKey: .version),
                          client: try c.decode(String.self, forKey: .client),
                          // A hello without `readOnly` steers (docs/control-protocol.md).
                          readOnly: try c.decodeIfPresent(Bool.self, forKey: .readOnly) == true)
        case "command":
            self = .command(id: try c.decode(Int.self, forKey: .id), try c.decode(TrainingCommand.self, forKey: .command))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c,
                                                   debugDescription: "unknown message type '\(other)' (known: hello, command)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .hello(let version, let client, let readOnly):
            try c.encode("hello", forKey: .type)
            try c.encode(version, forKey: .version)
            try c.encode(client, forKey: .client)
            try c.encode(readOnly, forKey: .readOnly)
        case .command(let id, let command):
            try c.encode("command", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(command, forKey: .command)
        }
    }
}
