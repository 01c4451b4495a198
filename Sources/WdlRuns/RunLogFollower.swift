import Foundation
import WideDeep

/// Reads a metrics log and keeps reading it as it grows: each `poll()` reads only the bytes added
/// since the last one. A partial last line waits for its newline (a writer may be mid-line); a
/// file that shrank, was replaced (another inode) or rewritten (its first line changed) is read
/// again from the start.
///
/// The first read is strict (`init` throws at the first bad line, so the caller can say so before
/// anything is shown); later bad lines become `problems` and reading goes on past them.
public final class RunLogFollower {
    public let path: String
    public private(set) var log: RunLog
    /// Lines added after the first read that could not be read (the newest last, at most 20 kept),
    /// and the file becoming unreadable.
    public private(set) var problems: [DataError] = []
    /// When the file was last modified (its mtime), as of the last read.
    public private(set) var lastModified: Date = .distantPast
    /// How many times the file was read again from the start.
    public private(set) var restarts = 0

    private var offset: UInt64 = 0
    private var partialLine: [UInt8] = []
    private var linesRead = 0
    private var identity: (device: UInt64, inode: UInt64)?
    /// The file's first line (with its newline), to notice a file rewritten past its old size.
    private var firstLine: [UInt8]?
    private var unreadable: DataError?
    static let problemsKept = 20

    /// Reads the whole file; throws when it cannot be read or a line is not a valid record.
    public init(path: String) throws(DataError) {
        self.path = path
        log = RunLog(path: path)
        try read(strict: true)
    }

    /// True while the file ends in a line without its newline (not yet read).
    public var isWaitingForNewline: Bool { !partialLine.isEmpty }

    /// The file could not be read at the last poll (removed, unreadable).
    public var readError: DataError? { unreadable }

    /// Reads what was added since the last call; returns true when anything changed (records,
    /// problems, or the file being read again).
    @discardableResult
    public func poll() -> Bool {
        let before = (log, problems.count, restarts, unreadable)
        do {
            try read(strict: false)
            unreadable = nil
        } catch {
            if unreadable != error { unreadable = error }
        }
        return before.0 != log || before.1 != problems.count || before.2 != restarts || before.3 != unreadable
    }

    /// Whether the run is over: a final record says so; otherwise the log is taken as still
    /// being written while it changed within `quietLimit` of `now`.
    public func status(now: Date) -> RunLogStatus {
        RunLogStatus(log: log, lastModified: lastModified, now: now)
    }

    private func read(strict: Bool) throws(DataError) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DataError(file: path, "cannot read: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DataError(file: path, "cannot read: \(String(cString: strerror(errno)))") }
        // A FIFO or a device would never end (or block): a metrics log is a regular file.
        guard info.st_mode & S_IFMT == S_IFREG else { throw DataError(file: path, "not a regular file") }
        let size = UInt64(info.st_size)
        let fileIdentity = (device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        lastModified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
        let replaced = identity.map { $0 != fileIdentity } ?? false
        if replaced || size < offset || (size > offset && !firstLineUnchanged(fd)) {
            restart()
        }
        identity = fileIdentity
        guard size > offset else { return }
        let bytes = try readBytes(fd, from: offset, count: Int(size - offset))
        offset += UInt64(bytes.count)
        try consume(bytes, strict: strict)
    }

    private func restart() {
        log = RunLog(path: path)
        problems = []
        offset = 0
        partialLine = []
        linesRead = 0
        firstLine = nil
        restarts += 1
    }

    /// True when the file still starts with the first line read (the start record names the
    /// run's id and time, so a new run's log differs there).
    private func firstLineUnchanged(_ fd: Int32) -> Bool {
        guard let firstLine else { return true }
        guard let head = try? readBytes(fd, from: 0, count: firstLine.count) else { return false }
        return head == firstLine
    }

    private func readBytes(_ fd: Int32, from start: UInt64, count: Int) throws(DataError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + filled, count - filled, off_t(start) + off_t(filled))
            }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw DataError(file: path, "cannot read: \(String(cString: strerror(errno)))") }
            if got == 0 { break }
            filled += got
        }
        return Array(bytes.prefix(filled))
    }

    private func consume(_ bytes: [UInt8], strict: Bool) throws(DataError) {
        var lineStart = 0
        for index in bytes.indices where bytes[index] == 10 {
            var line = partialLine
            line.append(contentsOf: bytes[lineStart...index])
            partialLine = []
            lineStart = index + 1
            linesRead += 1
            if firstLine == nil { firstLine = line }
            do {
                try log.add(line: line.dropLast(), number: linesRead)
            } catch {
                if strict { throw error }
                problems.append(error)
                if problems.count > Self.problemsKept { problems.removeFirst(problems.count - Self.problemsKept) }
            }
        }
        partialLine.append(contentsOf: bytes[lineStart...])
    }
}
