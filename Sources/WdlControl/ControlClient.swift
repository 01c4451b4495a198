import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WideDeep

/// A running job seen through its control socket: keeps a local copy of the run's snapshot,
/// updated by a reader thread, and sends commands over the socket. `wdl attach` opens the
/// dashboard on it as it would on the session itself.
/// Sendable: its state is behind `state`'s Mutex and socket writes behind `writeLock`.
public final class ControlClient: AttachedRun, @unchecked Sendable {
    public let path: String
    /// The server's answer to our hello (run, pid, start time, first snapshot).
    public let welcome: ServerWelcome
    public let isReadOnly: Bool
    private let socket: UnixSocket
    private let state: Mutex<State>
    private let writeLock = NSLock()
    private let readerDone = DispatchSemaphore(value: 0)

    private struct State {
        var snapshot: TrainingSnapshot
        var connection = ConnectionState.connected
        var refusals: [String] = []
        var nextID = 1
    }

    /// Connects, says hello and waits (at most `timeout` seconds) for the welcome. Refuses a
    /// socket served by another user: it could impersonate a run.
    public init(path: String, client: String, readOnly: Bool, timeout: Double = 10) throws(ControlError) {
        self.path = path
        isReadOnly = readOnly
        socket = try UnixSocket.connect(to: path)
        if let peer = socket.peerCredentials(), peer.uid != UInt32(geteuid()) {
            throw .refused("\(path) is served by uid \(peer.uid), not by you")
        }
        let hello = try Self.line(.hello(version: ControlWire.version, client: client, readOnly: readOnly))
        guard socket.writeAll(hello) else { throw .closed("\(path): the run closed the connection") }
        var buffer = LineBuffer(maxLine: ControlWire.maxServerLine)
        do throws(ControlError) {
            let first = try Self.readLine(from: socket, buffer: &buffer, timeout: timeout, path: path)
            switch try ControlWire.decode(ServerMessage.self, from: first) {
            case .welcome(let welcome):
                try ReceivedSnapshotCheck.check(welcome)
                self.welcome = welcome
            case .error(let reason, _):
                try ReceivedSnapshotCheck.text(reason, "the reason of an 'error' message")
                throw ControlError.refused(reason)
            default: throw ControlError.protocolViolation("\(path) did not answer hello with a welcome")
            }
        } catch {
            // A message that cannot be believed ends the attempt like a broken connection.
            if case .protocolViolation = error { throw .connectionLost(error.description) }
            throw error
        }
        state = Mutex(State(snapshot: welcome.snapshot))
        let thread = Thread { [self, buffer] in read(buffer) }
        thread.name = "wdl attach reader"
        thread.start()
    }

    deinit { detach() }

    public var snapshot: TrainingSnapshot { state.withLock { $0.snapshot } }
    public var connection: ConnectionState { state.withLock { $0.connection } }

    /// Why the connection was lost, as the error `wdl attach` reports ("connection lost: …");
    /// nil while connected, detached or after the run's goodbye.
    public var failure: ControlError? {
        guard case .lost(let reason) = connection else { return nil }
        return .connectionLost(reason)
    }

    public func takeRefusals() -> [String] {
        state.withLock { state in
            defer { state.refusals = [] }
            return state.refusals
        }
    }

    /// Sends the command; the run answers `ack` or a refusal (see `takeRefusals`). Nothing is
    /// sent once the connection has ended.
    public func send(_ command: TrainingCommand) {
        let id: Int? = state.withLock { state in
            guard state.connection == .connected else { return nil }
            defer { state.nextID += 1 }
            return state.nextID
        }
        guard let id, let line = try? Self.line(.command(id: id, command)) else { return }
        let sent = writeLock.withLock { socket.writeAll(line) }
        if !sent { finish(.lost("the run closed the connection without a goodbye")) }
    }

    /// The run decides the source (this connection); the one given here is not sent.
    public func send(_ command: TrainingCommand, from source: CommandSource) { send(command) }

    public func detach() {
        finish(.detached)
        socket.shutdownBoth()
        readerDone.wait()
        readerDone.signal()
    }

    // MARK: - Reading

    private func read(_ start: LineBuffer) {
        var buffer = start
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        reading: while true {
            while true {
                switch buffer.next() {
                case .line(let line):
                    if !handle(line) { break reading }
                case .needMore:
                    switch socket.read(into: &chunk) {
                    case .bytes(let count): buffer.append(chunk[..<count])
                    case .wouldBlock: continue
                    case .closed:
                        finish(.lost("the run closed the connection without a goodbye"))
                        break reading
                    case .failed(let message):
                        finish(.lost(message))
                        break reading
                    }
                case .tooLong:
                    finish(.lost("the run sent a message longer than \(ControlWire.maxServerLine) bytes"))
                    break reading
                }
            }
        }
        socket.shutdownBoth()
        readerDone.signal()
    }

    /// Applies one server message; false when the connection is over.
    private func handle(_ line: [UInt8]) -> Bool {
        let message: ServerMessage
        do {
            message = try ControlWire.decode(ServerMessage.self, from: line)
        } catch {
            finish(.lost(error.description))
            return false
        }
        if let reason = message.reason {
            do {
                try ReceivedSnapshotCheck.text(reason, "the reason of a '\(message.type)' message")
            } catch {
                finish(.lost(error.description))
                return false
            }
        }
        // The server's words reach the screen: control and bidi characters made visible.
        switch message.withReasonEscaped {
        case .update(let delta):
            do {
                // The new snapshot replaces the copy only once every value in it is checked.
                try state.withLock { (state: inout State) throws(ControlError) in
                    let next = try delta.apply(to: state.snapshot)
                    try ReceivedSnapshotCheck.check(next)
                    state.snapshot = next
                }
            } catch {
                finish(.lost(error.description))
                return false
            }
        case .ack, .welcome:
            break
        case .refused(_, let reason):
            keepRefusal(reason)
        case .error(let reason, let closing):
            keepRefusal(reason)
            if closing {
                finish(.lost(reason))
                return false
            }
        case .bye(let reason):
            finish(.ended(reason))
            return false
        }
        return true
    }

    /// Refusals wait for the dashboard's next frame; a server that floods them cannot make the
    /// list grow without bound (the oldest go).
    private func keepRefusal(_ reason: String) {
        state.withLock { state in
            state.refusals.append(reason)
            if state.refusals.count > Self.maxPendingRefusals { state.refusals.removeFirst(state.refusals.count - Self.maxPendingRefusals) }
        }
    }

    static let maxPendingRefusals = 100

    /// Records how the connection ended (the first reason stays).
    private func finish(_ end: ConnectionState) {
        state.withLock { if $0.connection == .connected { $0.connection = end } }
    }

    private static func line(_ message: ClientMessage) throws(ControlError) -> [UInt8] {
        do { return try ControlWire.line(message) } catch { throw .protocolViolation("cannot encode \(message): \(error)") }
    }

    /// One line from a blocking socket, waiting at most `timeout` seconds in all.
    private static func readLine(from socket: UnixSocket, buffer: inout LineBuffer, timeout: Double,
                                 path: String) throws(ControlError) -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            switch buffer.next() {
            case .line(let line): return line
            case .tooLong: throw .protocolViolation("\(path) sent a line longer than \(ControlWire.maxServerLine) bytes")
            case .needMore: break
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw .closed("\(path) did not answer within \(Int(timeout)) s") }
            var fds = [pollfd(fd: socket.fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, Int32(left * 1000)) > 0 else { continue }
            switch socket.read(into: &chunk) {
            case .bytes(let count): buffer.append(chunk[..<count])
            case .wouldBlock: continue
            case .closed: throw .closed("\(path): the run closed the connection")
            case .failed(let message): throw .closed("\(path): \(message)")
            }
        }
    }
}
