import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WideDeep

/// Where runs started with `--control` and no path put their sockets: a per-user folder,
/// `$XDG_RUNTIME_DIR/wdl/` when that is set, else `/tmp/wdl-<uid>/`, mode 0700. Sockets are
/// named `<run>-<pid>.sock`.
public struct RuntimeFolder: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The folder for this user in `environment`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> RuntimeFolder {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            return RuntimeFolder(path: (runtime.hasSuffix("/") ? runtime : runtime + "/") + "wdl")
        }
        return RuntimeFolder(path: "/tmp/wdl-\(geteuid())")
    }

    /// Creates the folder (mode 0700) if needed and checks it can be trusted: a real folder,
    /// not a symlink, owned by this user. Group and other permissions are removed.
    public func prepare() throws(ControlError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw .system("cannot create the runtime folder \(path): \(lastError())")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .system("cannot check \(path): \(lastError())") }
        if info.st_mode & S_IFMT == S_IFLNK { throw .unsafeFolder("\(path) is a symlink; refusing to use it for control sockets") }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .unsafeFolder("\(path) is not a folder") }
        guard info.st_uid == geteuid() else {
            throw .unsafeFolder("\(path) belongs to uid \(info.st_uid), not to you (uid \(geteuid())); refusing to use it")
        }
        if info.st_mode & 0o077 != 0, chmod(path, 0o700) != 0 {
            throw .system("cannot make \(path) mode 0700: \(lastError())")
        }
    }

    /// `<run>-<pid>.sock` in the folder; the run's name keeps letters, digits, `.`, `_` and
    /// `-` (others become `_`), at most 40 of them, so the path fits a socket address.
    public func socketPath(runName: String, pid: Int32 = getpid()) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var name = String(runName.map { allowed.contains($0) ? $0 : "_" }.prefix(40))
        if name.isEmpty || name.hasPrefix(".") { name = "run" + name }
        return "\(path)/\(name)-\(pid).sock"
    }

    /// The sockets in the folder, by name.
    public func socketPaths() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.hasSuffix(".sock") }.sorted().map { "\(path)/\($0)" }
    }

    /// Every run that answers in the folder, with its welcome (stale sockets are skipped).
    public func liveRuns(client: String) -> [AttachableRun] {
        socketPaths().compactMap { path in
            guard let client = try? ControlClient(path: path, client: client, readOnly: true, timeout: 3) else { return nil }
            defer { client.detach() }
            return AttachableRun(path: path, welcome: client.welcome)
        }
    }
}

/// A run found in the runtime folder.
public struct AttachableRun: Sendable {
    public var path: String
    public var welcome: ServerWelcome

    public init(path: String, welcome: ServerWelcome) {
        self.path = path
        self.welcome = welcome
    }
}
