import Foundation

/// Places in the repository that tests read (sample data, themes, the README).
public enum TestPaths {
    /// The package root: the nearest folder above this file holding `Package.swift`.
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url = url.deletingLastPathComponent()
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `relativePath` under the repository root.
    public static func path(_ relativePath: String) -> String {
        repositoryRoot.appendingPathComponent(relativePath).path
    }
}
