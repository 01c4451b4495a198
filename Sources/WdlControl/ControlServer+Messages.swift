import Foundation
import WideDeep

/// What the server answers to each client message.
extension ControlServer {
    func handle(_ line: [UInt8], from connection: ControlConnection) {
        serverThread.check()
        let message: ClientMessage
        do {
            message = try ControlWire.decode(ClientMessage.self, from: line)
        } catch {
            // Before hello the peer is not speaking this protocol at all: close. After it, one bad
            // line is answered and the connection goes on.
            let reason = "unreadable message: \(error.description)"
            if connection.phase == .awaitingHello {
                refuse(connection, reason)
            } else {
                send(.error(reason: reason, closing: false), to: connection)
            }
            return
        }
        switch (message, connection.phase) {
        case (.hello(let version, let client, let readOnly), .awaitingHello):
            welcome(connection, version: version, client: client, readOnly: readOnly)
        case (.hello, _):
            send(.error(reason: "hello was already said on this connection", closing: false), to: connection)
        case (.command, .awaitingHello):
            refuse(connection, "say hello first: {\"type\":\"hello\",\"version\":\(ControlWire.version),…}")
        case (.command(let id, let command), _):
            if let reason = refusal(of: command, from: connection) {
                send(.refused(id: id, reason: reason), to: connection)
            } else {
                control.send(command, from: .attached(connection.description))
                send(.ack(id: id), to: connection)
            }
        }
    }

    private func welcome(_ connection: ControlConnection, version: Int, client: String, readOnly: Bool) {
        guard version == ControlWire.version else {
            refuse(connection, "protocol version \(version) is not supported: this run speaks version \(ControlWire.version)")
            return
        }
        connection.readOnly = readOnly
        connection.description = ControlConnection.describe(client: client, peer: connection.peer)
        connection.phase = .ready
        let snapshot = control.snapshot
        let started = Date().timeIntervalSince1970 - snapshot.elapsedSeconds
        let welcome = ServerWelcome(version: ControlWire.version, pid: getpid(), started: started, readOnly: readOnly,
                                    snapshot: snapshot)
        send(.welcome(welcome), to: connection)
        connection.lastSent = snapshot
        connection.lastRest = (try? ControlWire.line(snapshot.withoutHistories)) ?? []
    }

    /// Why a command is not passed to the run, if it is not: the client watches only, or a value
    /// the session would refuse anyway (said here, to the client that sent it).
    private func refusal(of command: TrainingCommand, from connection: ControlConnection) -> String? {
        if connection.readOnly { return "read-only connection: commands are not accepted" }
        if case .set(let parameter, let value) = command, let problem = parameter.validate(value) { return problem }
        return nil
    }
}
