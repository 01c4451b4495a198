import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole output file so that readers see either the previous file or the complete new
/// one: a temporary file in the same folder (`.<name>.tmp-<pid>-<random>`), fsynced, then renamed.
public enum AtomicFile {
    /// A failed write, naming the file and the step that failed.
    public struct WriteError: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = (folder as NSString).appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))")
        func failure(_ step: String) -> WriteError {
            WriteError(path: path, message: "cannot write (\(step)): \(String(cString: strerror(errno)))")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("create a temporary file in \(folder)") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            try bytes.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = posixWrite(fd, raw.baseAddress! + done, min(raw.count - done, 1 << 30))
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw failure("write")
                    }
                    done += n
                }
            }
            guard fsync(fd) == 0 else { throw failure("fsync") }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw failure("close") }
        guard rename(temporary, path) == 0 else { throw failure("rename") }
        renamed = true
    }
}

/// `write(2)`, which the static `AtomicFile.write` would otherwise shadow.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
