import Foundation
import WideDeep

/// One client of the `ControlServer`, on the server's thread: its bytes in and out, where it is
/// in the protocol, and the snapshot it last received (its next update is computed against that,
/// so a client that reads slowly just gets fewer, larger updates).
final class ControlConnection {
    enum Phase { case awaitingHello, ready, closing }

    let socket: UnixSocket
    let peer: (uid: UInt32, pid: Int32)
    let connectedAt: Double
    var phase = Phase.awaitingHello
    var readOnly = false
    /// "wdl attach (pid 42)": the command source the run's events and log name.
    var description = ""
    var incoming: LineBuffer
    var outgoing: [UInt8] = []
    var sentUpTo = 0
    /// What this client has: the last snapshot sent and its `rest` bytes.
    var lastSent = TrainingSnapshot()
    var lastRest: [UInt8] = []

    init(socket: UnixSocket, peer: (uid: UInt32, pid: Int32), connectedAt: Double, maxLine: Int) {
        self.socket = socket
        self.peer = peer
        self.connectedAt = connectedAt
        incoming = LineBuffer(maxLine: maxLine)
    }

    var pendingBytes: Int { outgoing.count - sentUpTo }

    /// Queues a message; false when it would take the outgoing buffer past `limit` (the client
    /// is too slow and is dropped).
    func enqueue(_ message: ServerMessage, limit: Int) -> Bool {
        guard let line = try? ControlWire.line(message) else { return true }
        guard pendingBytes + line.count <= limit else { return false }
        if sentUpTo > 0 && sentUpTo == outgoing.count {
            outgoing.removeAll(keepingCapacity: true)
            sentUpTo = 0
        }
        outgoing += line
        return true
    }

    /// Sends what the socket takes; false when the connection is broken.
    func flush() -> Bool {
        guard pendingBytes > 0 else { return true }
        guard let count = socket.write(outgoing[sentUpTo...]) else { return false }
        sentUpTo += count
        if sentUpTo == outgoing.count {
            outgoing.removeAll(keepingCapacity: true)
            sentUpTo = 0
        }
        return true
    }

    /// The client's name as given in its hello, made safe to show and log: printable, short.
    static func describe(client: String, peer: (uid: UInt32, pid: Int32)) -> String {
        let printable = String(String.UnicodeScalarView(client.unicodeScalars.filter {
            !$0.properties.generalCategory.isControl
        }.prefix(80)))
        let name = printable.trimmingCharacters(in: .whitespaces)
        return "\(name.isEmpty ? "client" : name) (pid \(peer.pid))"
    }
}

private extension Unicode.GeneralCategory {
    var isControl: Bool { self == .control || self == .format || self == .lineSeparator || self == .paragraphSeparator }
}
