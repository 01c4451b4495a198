import Foundation
import WideDeep

/// What the server sends: one JSON object per line (docs/control-protocol.md).
public enum ServerMessage: Sendable {
    /// The answer to a valid hello: who is serving and the whole current snapshot.
    case welcome(ServerWelcome)
    /// What changed since the last snapshot or update this client received.
    case update(SnapshotDelta)
    /// The command with this id was queued; the session applies it between minibatches (a value
    /// out of range is refused here, before it is queued).
    case ack(id: Int)
    /// The command with this id was not queued, and why.
    case refused(id: Int, reason: String)
    /// A message that could not be read, or a hello that is refused (version, too many clients,
    /// another user); `closing` says the server closes the connection after it.
    case error(reason: String, closing: Bool)
    /// The run has ended (or its process is stopping the server): the last update was sent.
    case bye(reason: String)
}

/// Who is serving: the run, its process, when it started, and the snapshot.
public struct ServerWelcome: Sendable, Codable {
    public var version: Int
    public var pid: Int32
    /// Seconds since 1970 when the session started (the wall clock minus its elapsed time).
    public var started: Double
    /// The client is read-only (it asked to be): the server refuses its commands.
    public var readOnly: Bool
    public var snapshot: TrainingSnapshot

    public init(version: Int, pid: Int32, started: Double, readOnly: Bool, snapshot: TrainingSnapshot) {
        self.version = version
        self.pid = pid
        self.started = started
        self.readOnly = readOnly
        self.snapshot = snapshot
    }
}

extension ServerMessage {
    /// The message's `type` on the wire.
    var type: String {
        switch self {
        case .welcome: "welcome"
        case .update: "update"
        case .ack: "ack"
        case .refused: "refused"
        case .error: "error"
        case .bye: "bye"
        }
    }

    /// The message with its reason made safe for a terminal (`TerminalSafe`).
    var withReasonEscaped: ServerMessage {
        switch self {
        case .refused(let id, let reason): .refused(id: id, reason: TerminalSafe.escape(reason, maxCharacters: 500))
        case .error(let reason, let closing): .error(reason: TerminalSafe.escape(reason, maxCharacters: 500), closing: closing)
        case .bye(let reason): .bye(reason: TerminalSafe.escape(reason, maxCharacters: 500))
        case .welcome, .update, .ack: self
        }
    }

    /// The text a refusal, error or goodbye carries.
    var reason: String? {
        switch self {
        case .refused(_, let reason), .error(let reason, _), .bye(let reason): reason
        case .welcome, .update, .ack: nil
        }
    }
}

extension ServerMessage: Codable {
    private enum Key: String, CodingKey { case type, welcome, update, id, reason, closing }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        switch try c.decode(String.self, forKey: .type) {
        case "welcome": self = .welcome(try c.decode(ServerWelcome.self, forKey: .welcome))
        case "update": self = .update(try c.decode(SnapshotDelta.self, forKey: .update))
        case "ack": self = .ack(id: try c.decode(Int.self, forKey: .id))
        case "refused": self = .refused(id: try c.decode(Int.self, forKey: .id), reason: try c.decode(String.self, forKey: .reason))
        case "error":
            self = .error(reason: try c.decode(String.self, forKey: .reason),
                          // An error without `closing` leaves the connection open (docs/control-protocol.md).
                          closing: try c.decodeIfPresent(Bool.self, forKey: .closing) == true)
        case "bye": self = .bye(reason: try c.decode(String.self, forKey: .reason))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c,
                                                   debugDescription: "unknown message type '\(TerminalSafe.escape(other, maxCharacters: 40))'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .welcome(let welcome):
            try c.encode("welcome", forKey: .type)
            try c.encode(welcome, forKey: .welcome)
        case .update(let delta):
            try c.encode("update", forKey: .type)
            try c.encode(delta, forKey: .update)
        case .ack(let id):
            try c.encode("ack", forKey: .type)
            try c.encode(id, forKey: .id)
        case .refused(let id, let reason):
            try c.encode("refused", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(reason, forKey: .reason)
        case .error(let reason, let closing):
            try c.encode("error", forKey: .type)
            try c.encode(reason, forKey: .reason)
            try c.encode(closing, forKey: .closing)
        case .bye(let reason):
            try c.encode("bye", forKey: .type)
            try c.encode(reason, forKey: .reason)
        }
    }
}
