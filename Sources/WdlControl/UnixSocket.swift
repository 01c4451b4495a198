#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import WideDeep

/// A small owner of a Unix-domain stream socket's descriptor: listen (with the stale/live/not-a-
/// socket checks), connect, accept, the peer's credentials, and reads and writes that never
/// raise SIGPIPE. Closes its descriptor once, when told or when it goes away.
public final class UnixSocket: Sendable {
    public let fd: Int32
    /// Atomic: the reader thread and the one that detaches may both close.
    private let isClosed = Atomic<Bool>(false)

    init(fd: Int32) { self.fd = fd }
    deinit { close() }

    public func close() {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        closeDescriptor(fd)
    }

    /// Listens at `path`, which must not exist, or be a socket left by a run that is gone (no one
    /// accepts on it: replaced). A live socket or anything else at the path is refused untouched.
    /// The socket is made mode 0600 before it listens.
    public static func listen(at path: String, backlog: Int32 = 16) throws(ControlError) -> UnixSocket {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else { throw .notASocket(path) }
            switch probe(path) {
            case .live: throw .inUse(path)
            case .stale:
                guard unlink(path) == 0 || errno == ENOENT else {
                    throw .system("cannot remove the stale socket \(path): \(lastError())")
                }
            case .failed(let message): throw .system(message)
            }
        } else if errno != ENOENT {
            throw .system("cannot check \(path): \(lastError())")
        }
        let socket = try make()
        guard try withAddress(path, { bind(socket.fd, $0, $1) }) == 0 else {
            throw .system("cannot bind \(path): \(lastError())")
        }
        guard chmod(path, 0o600) == 0 else {
            let error = lastError()
            unlink(path)
            throw .system("cannot make \(path) mode 0600: \(error)")
        }
        guard systemListen(socket.fd, backlog) == 0 else {
            let error = lastError()
            unlink(path)
            throw .system("cannot listen on \(path): \(error)")
        }
        return socket
    }

    /// Connects to the socket at `path` (blocking).
    public static func connect(to path: String) throws(ControlError) -> UnixSocket {
        let socket = try make()
        guard try withAddress(path, { systemConnect(socket.fd, $0, $1) }) == 0 else {
            let reason = errno == ECONNREFUSED ? "connection refused (a stale socket: its run is gone)" : lastError()
            throw .system("cannot connect to \(path): \(reason)")
        }
        return socket
    }

    public enum Probe: Equatable { case live, stale, failed(String) }

    /// Whether a run accepts on the socket at `path`: a connect refused (ECONNREFUSED) means the
    /// socket was left by a process that is gone.
    public static func probe(_ path: String) -> Probe {
        do throws(ControlError) {
            let socket = try make()
            if try withAddress(path, { systemConnect(socket.fd, $0, $1) }) == 0 { return .live }
            return errno == ECONNREFUSED ? .stale : .failed("cannot connect to \(path): \(lastError())")
        } catch {
            return .failed(error.description)
        }
    }

    /// A waiting connection, or nil when none is (the listener is non-blocking) or accept failed.
    public func accept() -> UnixSocket? {
        let client = systemAccept(fd)
        guard client >= 0 else { return nil }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        return UnixSocket(fd: client)
    }

    /// The connected peer's user and process ids (SO_PEERCRED; the kernel's word, not the peer's).
    public func peerCredentials() -> (uid: UInt32, pid: Int32)? {
        #if os(Linux)
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        var credentials: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else { return nil }
        return (credentials.1, credentials.0)
        #else
        var uid = uid_t(0), gid = gid_t(0)
        guard getpeereid(fd, &uid, &gid) == 0 else { return nil }
        return (uid, 0)
        #endif
    }

    public func setNonBlocking() {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    public enum ReadResult: Equatable { case bytes(Int), wouldBlock, closed, failed(String) }

    public func read(into buffer: inout [UInt8]) -> ReadResult {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 { return .bytes(count) }
        if count == 0 { return .closed }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .wouldBlock }
        return .failed(lastError())
    }

    /// Writes what the socket takes now; returns the bytes written (0 when it would block), or
    /// nil when the connection is broken.
    public func write(_ bytes: ArraySlice<UInt8>) -> Int? {
        let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Self.noSignal) }
        if count >= 0 { return count }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : nil
    }

    /// Writes everything on a blocking socket; false when the connection is broken.
    public func writeAll(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            guard let count = write(bytes[sent...]) else { return false }
            sent += count
        }
        return true
    }

    /// Ends both directions (a reader blocked in recv returns), without closing the descriptor.
    public func shutdownBoth() { _ = shutdown(fd, Int32(SHUT_RDWR)) }

    // MARK: - Helpers

    #if os(Linux)
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private static let noSignal: Int32 = 0
    #endif

    private static func make() throws(ControlError) -> UnixSocket {
        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .system("cannot create a Unix socket: \(lastError())") }
        #if !os(Linux)
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
        return UnixSocket(fd: fd)
    }

    /// Calls `body` with `path` as a `sockaddr_un` and returns its result; a path too long for
    /// one is an error.
    private static func withAddress(_ path: String,
                                    _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) throws(ControlError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else {
            throw .system("socket path \(path) is too long (\(bytes.count) bytes; at most \(capacity - 1))")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.size)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}

/// `strerror` of the current errno.
func lastError() -> String { String(cString: strerror(errno)) }

@discardableResult
func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }
private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}
private func systemAccept(_ fd: Int32) -> Int32 { accept(fd, nil, nil) }
private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { listen(fd, backlog) }
