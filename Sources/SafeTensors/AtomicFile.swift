import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole file so that readers see either the previous file or the complete new one:
/// the content goes to a temporary file in the same folder (`.<name>.tmp-<pid>-<random>`, never
/// ending in the target's extension), which is fsynced and renamed over the target; then the
/// folder is fsynced so the rename itself survives a power loss. Used for checkpoints, and through
/// `OutputFile` for the regular files `wdl predict` and `wdl gen` write. Errors are
/// `SafeTensorsError.io`, naming the file.
public enum AtomicFile {
    /// The open temporary file, for the content to be streamed into piece by piece.
    public struct Output: ~Copyable {
        let fd: Int32
        let path: String

        /// Appends all of `bytes` (retrying partial writes and EINTR).
        public func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try FileIO.writeAll(fd, $0, path: path) }
        }
    }

    /// Writes `bytes` to `path` atomically and durably.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { try $0.write(bytes) }
    }

    /// Creates the temporary file, lets `content` write into it, then syncs and renames it over
    /// `path`. Without `durable` nothing is fsynced: the rename still protects against a crashing
    /// process, but not against power loss. `stopBeforeRename` is a test hook that leaves the
    /// complete temporary file behind, as a crash just before the rename would.
    public static func write(to path: String, durable: Bool = true, _ content: (borrowing Output) throws -> Void) throws {
        try write(to: path, durable: durable, stopBeforeRename: false, content)
    }

    static func write(to path: String, durable: Bool, stopBeforeRename: Bool,
                      _ content: (borrowing Output) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = (directory as NSString).appendingPathComponent(temporaryName(for: url.lastPathComponent))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        // Named after the target: the temporary name means nothing to whoever asked for `path`.
        guard fd >= 0 else { throw FileIO.failure(path, "create a temporary file in \(directory)") }
        var keepTemporary = false
        defer { if !keepTemporary { unlink(temporary) } }
        do {
            try content(Output(fd: fd, path: temporary))
            if durable, fsync(fd) != 0 { throw FileIO.failure(temporary, "fsync") }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw FileIO.failure(temporary, "close") }
        if stopBeforeRename {
            keepTemporary = true
            return
        }
        guard rename(temporary, path) == 0 else { throw FileIO.failure(path, "rename") }
        keepTemporary = true  // it is the target now
        if durable { try FileIO.syncDirectory(directory) }
    }

    static let temporaryMarker = ".tmp-"

    static func temporaryName(for name: String) -> String {
        ".\(name)\(temporaryMarker)\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// Whether `fileName` is a temporary file left by an interrupted write.
    static func isTemporaryFileName(_ fileName: String) -> Bool {
        guard fileName.hasPrefix("."), let marker = fileName.range(of: temporaryMarker, options: .backwards) else {
            return false
        }
        // The suffix is "<pid>-<hex>".
        let parts = fileName[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && UInt32(parts[0]) != nil && UInt32(parts[1], radix: 16) != nil
    }

}
