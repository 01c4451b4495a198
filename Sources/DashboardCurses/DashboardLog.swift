import Foundation
import Glibc

/// Appends lines to the dashboard's log file, and while the screen is up sends the process's
/// stderr there too, so no stray message lands in the middle of the curses screen.
final class DashboardLog {
    private let handle: FileHandle?
    private var savedStderr: Int32 = -1

    init(path: String?) {
        guard let path else {
            handle = nil
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        handle = FileHandle(forWritingAtPath: path)
        _ = try? handle?.seekToEnd()
    }

    func write(_ line: String) {
        guard let handle else { return }
        let stamp = ISO8601DateFormatter().string(from: Date())
        try? handle.write(contentsOf: Data("\(stamp) dashboard: \(line)\n".utf8))
    }

    /// Points file descriptor 2 at the log file (only when there is one).
    func captureStderr() {
        guard let handle, savedStderr < 0 else { return }
        fflush(nil)
        savedStderr = dup(STDERR_FILENO)
        dup2(handle.fileDescriptor, STDERR_FILENO)
    }

    /// Gives stderr back to the terminal.
    func releaseStderr() {
        guard savedStderr >= 0 else { return }
        fflush(nil)
        dup2(savedStderr, STDERR_FILENO)
        close(savedStderr)
        savedStderr = -1
    }

    deinit {
        releaseStderr()
        try? handle?.close()
    }
}
