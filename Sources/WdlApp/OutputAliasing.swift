import Foundation
import WideDeep

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file a command reads or writes, with what names it in messages (`--train`, `--out`).
public struct NamedPath: Sendable, Equatable {
    public var role: String
    public var path: String

    public init(_ role: String, _ path: String) {
        self.role = role
        self.path = path
    }
}

/// An output that is one of the command's inputs: writing it would destroy what is being read.
public struct OutputAliasError: Error, CustomStringConvertible, Equatable {
    public var output: NamedPath
    public var input: NamedPath

    public var description: String {
        let link = output.path == input.path ? "" : " (the same file by another name or link)"
        return "\(Self.shown(output, stream: "standard output")) is \(Self.shown(input, stream: "standard input"))\(link): "
            + "writing it would destroy that input; nothing was written, choose another path"
    }

    private static func shown(_ file: NamedPath, stream: String) -> String {
        guard file.path == "-" else { return "\(file.role) \(TerminalSafe.escape(file.path))" }
        return file.role == stream ? stream : "\(file.role) - (\(stream))"
    }
}

/// Refuses, before anything is opened for writing, an output path that resolves to an input.
/// Files are compared by device and inode (`stat`, which follows symlinks), so `./x`, `a/../x`,
/// a symlink and a hard link to an input are all that input. `-` is the standard stream: stdin
/// as an input, stdout as an output (`>> data.csv` appends to the file being read). An output
/// that does not exist yet cannot be an input; non-regular files (devices, FIFOs: /dev/null read
/// and written is no loss) are not compared.
public enum OutputAliasing {
    public static func check(outputs: [NamedPath], inputs: [NamedPath]) throws(OutputAliasError) {
        let read = inputs.compactMap { input in identity(of: input.path, dash: STDIN_FILENO).map { (input, $0) } }
        guard !read.isEmpty else { return }
        for output in outputs {
            guard let written = identity(of: output.path, dash: STDOUT_FILENO) else { continue }
            if let (input, _) = read.first(where: { $0.1 == written }) {
                throw OutputAliasError(output: output, input: input)
            }
        }
    }

    /// The files a checkpoint folder holds or will hold: the final, best and step checkpoints
    /// already there and the dashboard's log (the names `Checkpoint` and `RunCheckpoints` use).
    public static func checkpointFolderFiles(_ folder: String) -> [NamedPath] {
        let url = URL(fileURLWithPath: folder)
        var names = ["final.safetensors", "best.safetensors", "dashboard.log"]
        let present = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        names += present.filter { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") }.sorted()
        return names.map { NamedPath("--checkpoint-dir's file", url.appendingPathComponent($0).path) }
    }

    private struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    /// `path`'s file when it is a regular one; `-` is the descriptor `dash`.
    private static func identity(of path: String, dash: Int32) -> Identity? {
        guard !path.isEmpty else { return nil }
        var info = stat()
        let found = path == "-" ? fstat(dash, &info) == 0 : stat(path, &info) == 0
        guard found, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
