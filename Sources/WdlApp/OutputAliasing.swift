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
        let out = TerminalSafe.escape(output.path), inp = TerminalSafe.escape(input.path)
        let link = output.path == input.path ? "" : " (the same file by another name or link)"
        return "\(output.role) \(out) is \(input.role) \(inp)\(link): writing it would destroy that input; nothing was written, choose another path"
    }
}

/// Refuses, before anything is opened for writing, an output path that resolves to an input.
/// Files are compared by device and inode (`stat`, which follows symlinks), so `./x`, `a/../x`,
/// a symlink and a hard link to an input are all that input. An output that does not exist yet
/// cannot be an input; `-` (a standard stream) and non-regular files (devices, FIFOs: /dev/null
/// read and written is no loss) are not compared.
public enum OutputAliasing {
    public static func check(outputs: [NamedPath], inputs: [NamedPath]) throws(OutputAliasError) {
        let read = inputs.compactMap { input in identity(of: input.path).map { (input, $0) } }
        guard !read.isEmpty else { return }
        for output in outputs {
            guard let written = identity(of: output.path) else { continue }
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

    private static func identity(of path: String) -> Identity? {
        guard path != "-", !path.isEmpty else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
