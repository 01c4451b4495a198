import WideDeep

/// What goes wrong with a control socket or its protocol, with a message for people.
public enum ControlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed: what was being done, and `strerror`'s text.
    case system(String)
    /// The path exists and is something other than a socket: never deleted.
    case notASocket(String)
    /// A live run answers on the path: never stolen.
    case inUse(String)
    /// The runtime folder cannot be trusted (not ours, a symlink, not a folder).
    case unsafeFolder(String)
    /// The other side broke the protocol (bad frame, bad delta, unexpected message).
    case protocolViolation(String)
    /// The server refused us (wrong version, too many clients, another user).
    case refused(String)
    /// The connection closed.
    case closed(String)
    /// An attached client gave up on the connection: the run vanished, or sent something that
    /// cannot be believed (a value out of bounds, a bad delta, a broken message).
    case connectionLost(String)

    public var description: String {
        switch self {
        case .system(let message): message
        case .notASocket(let path): "\(path) exists and is not a socket; refusing to replace it (remove it or choose another path)"
        case .inUse(let path): "another run is serving \(path)"
        case .unsafeFolder(let message): message
        case .protocolViolation(let message): "control protocol: \(message)"
        case .refused(let reason): "refused by the run: \(reason)"
        case .closed(let message): message
        case .connectionLost(let reason): "connection lost: \(reason)"
        }
    }
}
