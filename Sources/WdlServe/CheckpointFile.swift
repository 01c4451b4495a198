import Foundation

/// A checkpoint file as found on disk: its path and what tells one version of it from the next
/// (an atomic save replaces the file, so its inode and modification time change).
struct CheckpointFile: Sendable, Equatable {
    var path: String
    var inode: UInt64
    var size: Int64
    var modified: Double

    /// nil when `path` is not a regular file.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        self.path = path
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }
}

/// Which checkpoint of a run directory to serve.
public enum CheckpointPick: String, Sendable, CaseIterable {
    /// `best.safetensors` when the directory has one, else as `latest`.
    case best
    /// The most recently written `step-N.safetensors` or `final.safetensors`.
    case latest

    /// The checkpoint of `directory` this rule picks, or nil when it has none.
    func pick(in directory: String) -> CheckpointFile? {
        if self == .best, let best = CheckpointFile(path: (directory as NSString).appendingPathComponent("best.safetensors")) {
            return best
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var newest: (file: CheckpointFile, rank: Int)?
        for name in names {
            // Only finished saves: a save in progress is a hidden temporary file until renamed.
            let rank: Int
            if name == "final.safetensors" {
                rank = Int.max
            } else if name.hasPrefix("step-"), name.hasSuffix(".safetensors"),
                      let step = Int(name.dropFirst(5).dropLast(12)), step >= 0 {
                rank = step
            } else {
                continue
            }
            guard let file = CheckpointFile(path: (directory as NSString).appendingPathComponent(name)) else { continue }
            if let current = newest, (current.file.modified, current.rank) >= (file.modified, rank) { continue }
            newest = (file, rank)
        }
        return newest?.file
    }
}
