#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin POSIX wrappers: plain file descriptors give control over fsync, O_EXCL and positioned
/// reads straight into the destination buffers, and stream large tensors without extra copies.
enum FileIO {
    static func lastError() -> String { String(cString: strerror(errno)) }

    static func failure(_ path: String, _ operation: String) -> SafeTensorsError {
        .io(path: path, operation: operation, message: lastError())
    }

    /// Writes all of `bytes` at the current position, retrying partial writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = write(fd, pointer, min(remaining, 1 << 30))
            if written < 0 {
                if errno == EINTR { continue }
                throw failure(path, "write")
            }
            pointer += written
            remaining -= written
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`; returns how many were read (fewer only at
    /// end of file).
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, min(buffer.count - done, 1 << 30), off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, "read")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// fsync of a directory, so a rename inside it survives a power loss. Some file systems do
    /// not support it (EINVAL); the rename has then happened as well as it can.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "open directory") }
        defer { close(fd) }
        if fsync(fd) != 0, errno != EINVAL { throw failure(path, "fsync directory") }
    }
}

/// Random access to the bytes of a file or buffer being loaded.
protocol ByteSource {
    var size: Int { get }
    /// Reads up to `buffer.count` bytes at `offset`, returning the count read (short only at end).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int
}

struct FileSource: ByteSource {
    let fd: Int32
    let path: String
    let size: Int

    /// Opens `path` for reading; the caller closes `fd`.
    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIO.failure(path, "open") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = FileIO.failure(path, "stat")
            close(fd)
            throw error
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw SafeTensorsError.notRegularFile(path: path)
        }
        self.fd = fd
        self.path = path
        self.size = Int(info.st_size)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        try FileIO.read(fd, into: buffer, at: offset, path: path)
    }

    func closeFile() { close(fd) }
}

struct MemorySource: ByteSource {
    let bytes: [UInt8]
    var size: Int { bytes.count }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        let count = max(0, min(buffer.count, bytes.count - offset))
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + count])) }
        return count
    }
}
