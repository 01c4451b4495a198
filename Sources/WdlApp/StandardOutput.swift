import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a front end's text goes, one call per line (without its newline).
public typealias LineSink = @Sendable (String) -> Void

/// stdout or stderr.
public enum StandardStream: Sendable, Hashable {
    case output, error

    var descriptor: Int32 { self == .output ? STDOUT_FILENO : STDERR_FILENO }
    public var name: String { self == .output ? "standard output" : "standard error" }
    public var other: StandardStream { self == .output ? .error : .output }
}

/// A write to stdout or stderr that failed: the stream and why.
public struct StandardStreamError: Error, CustomStringConvertible, Equatable {
    public var stream: StandardStream
    public var reason: String
    public var description: String { "cannot write to \(stream.name): \(reason)" }
}

/// Every write wdl makes to stdout and stderr, safe from any thread: each line is one write(2)
/// (partial writes and EINTR retried), so lines from the session's queue and the caller's thread
/// never interleave mid-line, and a failure (a full disk, a closed stream, a reader gone: SIGPIPE
/// is ignored, so that is EPIPE) is an error, never a trap as FileHandle's writes are.
///
/// `write` throws, for a command's output; `line` and `errorLine` are for log lines, which must
/// not end a run: their failures are counted, and `lostLines` tells the command at its end.
public enum StandardOutput {
    private struct State {
        /// Streams that were closed when the process started (their descriptors now hold
        /// /dev/null, so no file opened later takes their number).
        var closedAtStart: Set<StandardStream> = []
        var lost: [StandardStream: (count: Int, reason: String)] = [:]
        /// stdout carries a command's data (`--out -`): no message may land in it.
        var outputIsData = false
    }

    private static let state = Mutex(State())

    /// Once, first thing in main: SIGPIPE ignored, and a closed fd 0, 1 or 2 occupied by
    /// /dev/null (else the next file opened, a metrics log, would receive the stream's lines).
    public static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", O_RDWR)
            if opened >= 0 && opened != fd {
                dup2(opened, fd)
                close(opened)
            }
            let stream: StandardStream? = fd == STDOUT_FILENO ? .output : fd == STDERR_FILENO ? .error : nil
            if let stream { _ = state.withLock { $0.closedAtStart.insert(stream) } }
        }
    }

    /// Writes `text` and a newline to `stream` in one write; throws when any of it is not written.
    public static func write(line text: String, to stream: StandardStream = .output) throws(StandardStreamError) {
        try write(text + "\n", to: stream)
    }

    /// Throws when `stream` was closed when the process started (its descriptor holds /dev/null
    /// since), for a command about to write its data there by other means (`OutputFile`).
    public static func requireOpen(_ stream: StandardStream) throws(StandardStreamError) {
        if state.withLock({ $0.closedAtStart.contains(stream) }) {
            throw StandardStreamError(stream: stream, reason: "it is closed")
        }
    }

    /// Writes `text` as it is (a prompt without its newline).
    public static func write(_ text: String, to stream: StandardStream) throws(StandardStreamError) {
        try requireOpen(stream)
        var bytes = Array(text.utf8)
        let failure: Int32? = bytes.withUnsafeMutableBytes { buffer in
            guard var pointer = buffer.baseAddress else { return nil }
            var remaining = buffer.count
            while remaining > 0 {
                let written = Glibc.write(stream.descriptor, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if written == 0 { return EIO }
                pointer += written
                remaining -= written
            }
            return nil
        }
        if let failure { throw StandardStreamError(stream: stream, reason: String(cString: strerror(failure))) }
    }

    /// A log line to stdout; a failure is counted (`lostLines`), not thrown.
    public static func line(_ text: String) { logLine(text, to: .output) }

    /// A log line to stderr; a failure is counted (`lostLines`), not thrown.
    public static func errorLine(_ text: String) { logLine(text, to: .error) }

    private static func logLine(_ text: String, to stream: StandardStream) {
        do {
            try write(line: text, to: stream)
        } catch {
            state.withLock { state in
                let count = (state.lost[stream]?.count ?? 0) + 1
                state.lost[stream] = (count, state.lost[stream]?.reason ?? error.reason)
            }
        }
    }

    /// Log lines that could not be written, per stream, with the first failure's reason.
    public static func lostLines() -> [(stream: StandardStream, count: Int, reason: String)] {
        state.withLock { state in
            [StandardStream.output, .error].compactMap { stream in
                state.lost[stream].map { (stream, $0.count, $0.reason) }
            }
        }
    }

    /// What `lostLines` says, as one sentence; nil when nothing was lost.
    public static func lostLinesMessage() -> String? {
        let lost = lostLines()
        guard !lost.isEmpty else { return nil }
        return lost.map { "\($0.count) line\($0.count == 1 ? "" : "s") of output to \($0.stream.name) could not be written (\($0.reason))" }
            .joined(separator: "; ")
    }

    /// Whether `path` is this process's stdout: `-`, or a name of the same file (/dev/stdout).
    public static func isStandardOutput(_ path: String) -> Bool {
        if path == "-" { return true }
        var named = stat(), out = stat()
        guard stat(path, &named) == 0, fstat(STDOUT_FILENO, &out) == 0 else { return false }
        return named.st_dev == out.st_dev && named.st_ino == out.st_ino
    }

    /// Says that stdout carries the command's data (predictions, generated rows): `lastWords`
    /// then never falls back to it, where a message would read as one more row.
    public static func reserveOutputForData() {
        state.withLock { $0.outputIsData = true }
    }

    /// Writes a final error message to stderr, or to stdout when stderr does not work (unless
    /// stdout carries data); returns whether a stream took it.
    @discardableResult
    public static func lastWords(_ text: String) -> Bool {
        if (try? write(line: text, to: .error)) != nil { return true }
        if state.withLock({ $0.outputIsData }) { return false }
        return (try? write(line: text, to: .output)) != nil
    }
}
