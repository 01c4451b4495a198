import Foundation
import XCTest

/// A fresh temporary folder, removed when the object goes away.
public final class TemporaryFolder: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("wdl-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { remove() }

    /// Deletes the folder and everything in it.
    public func remove() { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name` in the folder and returns the file's path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

extension XCTestCase {
    /// A fresh temporary folder, removed when the test ends.
    public func temporaryDirectory() throws -> URL {
        let folder = try TemporaryFolder()
        // Removed explicitly: XCTest may keep the block (and so the folder object) alive.
        addTeardownBlock { folder.remove() }
        return folder.url
    }
}
