import Foundation

/// Where a front end's text goes, one call per line (without its newline).
public typealias LineSink = @Sendable (String) -> Void

/// Whole-line writes to stdout or stderr, safe from any thread: each line is one write(2), so
/// lines from the session's queue and the caller's thread never interleave mid-line.
public enum StandardOutput {
    public static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    public static func errorLine(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
