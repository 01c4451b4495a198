import Foundation

/// A file or stream the program writes could not be created or written: names the path and,
/// when the system said why, its errno. (`DataError` is for input: a file read, its line and column.)
public struct OutputError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var message: String
    /// The system's error number, when the failure came from a system call.
    public var errno: Int32?

    public init(path: String, _ message: String, errno: Int32? = nil) {
        self.path = path
        self.message = message
        self.errno = errno
    }

    /// A failed `FileHandle` or `FileManager` call: its POSIX error number when Foundation kept one.
    /// Foundation's generic Cocoa text ("The operation could not be completed. (… error 512.)")
    /// says nothing the message does not: it is left out.
    public init(path: String, _ message: String, underlying error: any Error) {
        let posix = Self.posixCode(of: error)
        let generic = (error as NSError).domain == NSCocoaErrorDomain
        self.init(path: path, posix != nil || generic ? message : "\(message): \(error.localizedDescription)", errno: posix)
    }

    /// One line, terminal-safe: `path: message[: system's reason]`.
    public var description: String {
        var text = TerminalSafe.escape(path) + ": " + TerminalSafe.escape(message, maxCharacters: 1000)
        if let errno { text += ": " + String(cString: strerror(errno)) }
        return text
    }

    private static func posixCode(of error: any Error) -> Int32? {
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(underlying.code)
        }
        return nil
    }
}
