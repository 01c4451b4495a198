import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WideDeep

/// Serves a training run's control socket (docs/control-protocol.md) on a thread of its own:
/// accepts clients of this user, sends each the snapshot then updates (at most `updatesPerSecond`,
/// only what changed since what that client last received), and passes their commands to the
/// run. Training never waits for it: it only reads `control.snapshot` and calls `control.send`,
/// and a client that cannot keep up is skipped, then dropped. Serves until `stop()`.
public final class ControlServer: @unchecked Sendable {
    public struct Limits: Sendable {
        public var maxClients = 8
        public var maxIncomingLine = ControlWire.maxClientLine
        /// A client whose unsent bytes would pass this is dropped.
        public var maxOutgoingBytes = 8 * 1024 * 1024
        public var updatesPerSecond = 10.0
        /// A connection that has not said hello by then is closed.
        public var helloSeconds = 10.0
        public init() {}
    }

    public let path: String
    public let limits: Limits
    let control: any TrainingControl
    /// The user allowed to connect (this process's effective user).
    let ownerUID: UInt32
    private let listener: UnixSocket
    private let identity: (device: UInt64, inode: UInt64)
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let stopReason = Mutex<String?>(nil)
    private let finished = DispatchSemaphore(value: 0)
    private let clientCount = Atomic<Int>(0)
    // The fields below belong to the server thread: `serve` claims it, and the per-wake-up and
    // per-message entry points (`pollOnce`, `handle`, `send`, `drop`, `refuse`) check it.
    let serverThread = ThreadConfinement("the control server's connections")
    var connections: [ControlConnection] = []
    private var nextTick = 0.0

    /// Listens at `path` (see `UnixSocket.listen`: a stale socket is replaced, a live one or a
    /// non-socket refused) and starts serving.
    public init(path: String, control: any TrainingControl, limits: Limits = Limits()) throws(ControlError) {
        self.path = path
        self.control = control
        self.limits = limits
        ownerUID = UInt32(geteuid())
        listener = try UnixSocket.listen(at: path)
        listener.setNonBlocking()
        var info = stat()
        lstat(path, &info)
        identity = (UInt64(info.st_dev), UInt64(info.st_ino))
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            unlink(path)
            throw .system("cannot create the control server's wake-up pipe: \(lastError())")
        }
        (wakeRead, wakeWrite) = (ends[0], ends[1])
        _ = fcntl(wakeRead, F_SETFL, O_NONBLOCK)
        let thread = Thread { [self] in serve() }
        thread.name = "wdl control server"
        thread.start()
    }

    /// Clients connected now (any phase).
    public var clients: Int { clientCount.load(ordering: .relaxed) }

    /// Sends every client a last update and `bye(reason)`, closes them (waiting at most a second
    /// for slow readers), removes the socket (if it is still ours) and returns once the thread
    /// has ended. Idempotent.
    public func stop(reason: String = "run ended") {
        let first = stopReason.withLock { current in
            defer { if current == nil { current = reason } }
            return current == nil
        }
        if first {
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
            finished.wait()
            finished.signal()
        } else {
            finished.wait()
            finished.signal()
        }
    }

    // MARK: - The server thread

    private func serve() {
        serverThread.claim()
        nextTick = Self.now()
        while stopReason.withLock({ $0 }) == nil {
            pollOnce()
        }
        shutDown(reason: stopReason.withLock { $0 } ?? "stopped")
        finished.signal()
    }

    private func pollOnce() {
        serverThread.check()
        var fds = [pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        for connection in connections {
            let wantsRead = connection.phase != .closing
            let events = (wantsRead ? POLLIN : 0) | (connection.pendingBytes > 0 ? POLLOUT : 0)
            fds.append(pollfd(fd: connection.socket.fd, events: Int16(events), revents: 0))
        }
        let timeout = max(0, Int32(((nextTick - Self.now()) * 1000).rounded(.up)))
        _ = poll(&fds, nfds_t(fds.count), min(timeout, 100))
        if fds[0].revents & Int16(POLLIN) != 0 { acceptWaiting() }
        for (index, connection) in zip(fds.indices.dropFirst(2), connections) {
            let events = fds[index].revents
            if events & Int16(POLLIN | POLLHUP | POLLERR) != 0 { readFrom(connection) }
            if events & Int16(POLLOUT) != 0, !connection.flush() { drop(connection) }
        }
        let now = Self.now()
        if now >= nextTick {
            nextTick = now + 1 / max(0.1, limits.updatesPerSecond)
            sendUpdates()
        }
        closeFinished(now: now)
    }

    private func acceptWaiting() {
        while let socket = listener.accept() {
            socket.setNonBlocking()
            let peer = socket.peerCredentials() ?? (uid: UInt32.max, pid: 0)
            let connection = ControlConnection(socket: socket, peer: peer, connectedAt: Self.now(),
                                               maxLine: limits.maxIncomingLine)
            connections.append(connection)
            if peer.uid != ownerUID {
                refuse(connection, "this run belongs to another user (uid \(ownerUID)); your uid is \(peer.uid)")
            } else if liveClients > limits.maxClients {
                // Peers that connected and hung up since the last poll are still counted: read
                // them first (their EOF drops them), so a burst of them cannot lock a client out.
                reapHungUp()
                if liveClients > limits.maxClients {
                    refuse(connection, "too many clients: this run serves at most \(limits.maxClients) at a time")
                }
            }
            clientCount.store(connections.count, ordering: .relaxed)
        }
    }

    private var liveClients: Int { connections.count(where: { $0.phase != .closing }) }

    /// Reads every connection with input or a hang-up waiting (without blocking): a peer that
    /// closed is dropped at its EOF, after any lines it sent are handled.
    private func reapHungUp() {
        let live = connections.filter { $0.phase != .closing }
        var fds = live.map { pollfd(fd: $0.socket.fd, events: Int16(POLLIN), revents: 0) }
        guard poll(&fds, nfds_t(fds.count), 0) > 0 else { return }
        for (connection, fd) in zip(live, fds) where fd.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            readFrom(connection)
        }
    }

    /// Answers with an error and closes once it is sent.
    func refuse(_ connection: ControlConnection, _ reason: String) {
        serverThread.check()
        _ = connection.enqueue(.error(reason: reason, closing: true), limit: .max)
        connection.phase = .closing
        _ = connection.flush()
    }

    private func readFrom(_ connection: ControlConnection) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while connection.phase != .closing {
            switch connection.socket.read(into: &chunk) {
            case .bytes(let count):
                connection.incoming.append(chunk[..<count])
                handleLines(of: connection)
            case .wouldBlock:
                return
            case .closed, .failed:
                drop(connection)
                return
            }
        }
    }

    private func handleLines(of connection: ControlConnection) {
        while connection.phase != .closing {
            switch connection.incoming.next() {
            case .line(let line): handle(line, from: connection)
            case .needMore: return
            case .tooLong:
                refuse(connection, "message longer than \(limits.maxIncomingLine) bytes; closing the connection")
            }
        }
    }

    /// Sends each ready client what changed since its last update, if it has taken that one in.
    private func sendUpdates() {
        let ready = connections.filter { $0.phase == .ready && $0.pendingBytes == 0 }
        guard !ready.isEmpty else { return }
        let snapshot = control.snapshot
        let rest = (try? ControlWire.line(snapshot.withoutHistories)) ?? []
        for connection in ready {
            let delta = SnapshotDelta(from: connection.lastSent, to: snapshot, restChanged: rest != connection.lastRest)
            guard !delta.isEmpty else { continue }
            send(.update(delta), to: connection)
            connection.lastSent = snapshot
            connection.lastRest = rest
        }
    }

    /// Queues and starts sending a message; a client whose buffer is full is dropped.
    func send(_ message: ServerMessage, to connection: ControlConnection) {
        serverThread.check()
        guard connection.enqueue(message, limit: limits.maxOutgoingBytes), connection.flush() else {
            drop(connection)
            return
        }
    }

    func drop(_ connection: ControlConnection) {
        serverThread.check()
        connection.phase = .closing
        connection.outgoing = []
        connection.sentUpTo = 0
    }

    /// Closes connections that are done (their last message sent) or that never said hello.
    private func closeFinished(now: Double) {
        for connection in connections where connection.phase == .awaitingHello
            && now - connection.connectedAt > limits.helloSeconds {
            refuse(connection, "no hello within \(Int(limits.helloSeconds)) s")
        }
        let before = connections.count
        connections.removeAll { connection in
            guard connection.phase == .closing, connection.pendingBytes == 0 else { return false }
            connection.socket.close()
            return true
        }
        if connections.count != before { clientCount.store(connections.count, ordering: .relaxed) }
    }

    private func shutDown(reason: String) {
        sendUpdates()
        for connection in connections where connection.phase == .ready {
            send(.bye(reason: reason), to: connection)
        }
        let deadline = Self.now() + 1
        while connections.contains(where: { $0.pendingBytes > 0 }) && Self.now() < deadline {
            var fds = connections.map { pollfd(fd: $0.socket.fd, events: Int16(POLLOUT), revents: 0) }
            _ = poll(&fds, nfds_t(fds.count), 50)
            for connection in connections where !connection.flush() { drop(connection) }
        }
        for connection in connections { connection.socket.close() }
        connections = []
        clientCount.store(0, ordering: .relaxed)
        listener.close()
        removeSocketIfOurs()
        closeDescriptor(wakeRead)
        closeDescriptor(wakeWrite)
    }

    /// Removes the socket file unless another run has replaced it since.
    private func removeSocketIfOurs() {
        var info = stat()
        guard lstat(path, &info) == 0, UInt64(info.st_dev) == identity.device, UInt64(info.st_ino) == identity.inode else { return }
        unlink(path)
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
