import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file the user named for a command's output (`wdl predict --out`, `wdl gen --out`).
///
/// `-` is standard output. An existing path that is not a regular file (a FIFO, a device, a
/// symlink such as `/dev/stdout`) is opened and written through: replacing it by rename would
/// swap the pipe, device or link for a regular file. Anything else is written atomically
/// (`AtomicFile`). Files the tool manages itself, such as checkpoints, use `AtomicFile` directly.
public enum OutputFile {
    public enum Destination: Equatable, Sendable {
        case standardOutput
        case writeThrough
        case atomic
    }

    /// How `path` will be written. `lstat`, not `stat`: a symlink is written through even when
    /// it points at a regular file, so the link stays a link.
    public static func destination(of path: String) -> Destination {
        if path == "-" { return .standardOutput }
        var info = stat()
        guard lstat(path, &info) == 0 else { return .atomic }
        return (info.st_mode & S_IFMT) == S_IFREG ? .atomic : .writeThrough
    }

    /// How the path is named in messages: `-` reads as "standard output".
    public static func displayName(of path: String) -> String {
        path == "-" ? "standard output" : path
    }

    /// Lets `content` write into `path` as `destination(of:)` says. Only the atomic case is
    /// all-or-nothing; a stream has no earlier version to keep.
    // Not inlined, and each Output bound to a name before it is lent: Swift 6.3.1's optimizer
    // crashed ("Cannot initialize a nonCopyable type with a guaranteed value") inlining this
    // into `write(_:to:)` with the temporaries passed straight to `content`.
    @inline(never)
    public static func write(to path: String, _ content: (borrowing AtomicFile.Output) throws -> Void) throws {
        switch destination(of: path) {
        case .atomic:
            try AtomicFile.write(to: path, content)
        case .standardOutput:
            let output = AtomicFile.Output(fd: STDOUT_FILENO, path: displayName(of: path))
            try content(output)
        case .writeThrough:
            let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
            guard fd >= 0 else { throw FileIO.failure(path, "open for writing") }
            do {
                let output = AtomicFile.Output(fd: fd, path: path)
                try content(output)
            } catch {
                close(fd)
                throw error
            }
            guard close(fd) == 0 else { throw FileIO.failure(path, "close") }
        }
    }

    /// Writes `bytes` to `path` as `write(to:_:)` does.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { try $0.write(bytes) }
    }
}
