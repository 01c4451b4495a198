import Foundation
import WideDeep

/// Finds the files that ship with the repository (sample data, themes) from the working folder
/// or, failing that, from the executable's place in `.build/<configuration>/`.
enum BundledData {
    static let defaultConfig = "sample-data/adult/live.yaml"

    static func defaultConfigPath() throws -> String {
        if let path = locate(defaultConfig) { return path }
        throw ConfigError(file: defaultConfig, "the bundled sample run was not found: run wdl from the repository's folder, or pass --config FILE")
    }

    /// `relative` under the working folder or the repository the executable was built in.
    static func locate(_ relative: String) -> String? {
        let fm = FileManager.default
        let candidates = [fm.currentDirectoryPath] + repositoryRoots()
        for root in candidates {
            let path = URL(fileURLWithPath: root).appendingPathComponent(relative).path
            if fm.fileExists(atPath: path) { return path }
        }
        return nil
    }

    private static func repositoryRoots() -> [String] {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return [] }
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        var roots: [String] = []
        for _ in 0..<4 {
            url = url.deletingLastPathComponent()
            roots.append(url.path)
        }
        return roots
    }
}
