import Foundation

/// The checks every input file (data, config, checkpoint) passes before it is opened, so that a
/// path that is not a regular file is refused at once with its reason instead of blocking (a FIFO
/// with no writer blocks `open`) or reading as empty.
public enum InputFile {
    /// Why `path` cannot be read as an input file, or nil when it is a regular file.
    public static func problem(with path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case ENOENT, ENOTDIR: return "file not found"
            case ELOOP: return "a loop of symbolic links: the path never reaches a file"
            case ENAMETOOLONG: return "the path is too long for the system (\(path.utf8.count) bytes)"
            case EACCES: return "permission denied on a folder of the path"
            default: return "cannot be read: \(String(cString: strerror(errno)))"
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a folder, not a file"
        case S_IFIFO: return "is a named pipe (FIFO), not a regular file; write the data to a file first"
        case S_IFSOCK: return "is a socket, not a regular file"
        default: return "is a device, not a regular file"
        }
    }

    /// Opens a regular file for reading without blocking (a FIFO swapped in after the check is
    /// refused too): its descriptor and its size (0 for files such as /proc's that do not know
    /// theirs; read them to their end).
    static func open(_ path: String, error: (String) -> Error) throws -> (descriptor: Int32, size: Int) {
        if let problem = problem(with: path) { throw error(problem) }
        let fd = Foundation.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw error("cannot open for reading (\(String(cString: strerror(errno))))") }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            _ = Foundation.close(fd)
            throw error("is not a regular file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return (fd, Int(info.st_size))
    }
}
