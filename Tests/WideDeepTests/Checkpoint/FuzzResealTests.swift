import Foundation
import XCTest
@testable import SafeTensors
@testable import WideDeep
import WDLTestSupport

/// `.ci/fuzz.py` re-seals the checkpoints it crafts (issue 21, item 8): its metadata checksum
/// must be wdl's, or every crafted case is refused by the checksum and reaches nothing else.
final class FuzzResealTests: XCTestCase {
    private static let fuzzer = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".ci/fuzz.py").path

    /// Runs `fuzz.py --reseal source target`.
    private func reseal(_ source: String, _ target: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.fuzzer, "--reseal", source, target]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if process.terminationStatus == 127 { throw XCTSkip("python3 is not installed") }
        XCTAssertEqual(process.terminationStatus, 0, message)
    }

    func testACheckpointResealedUnchangedLoadsWithTheSameModel() throws {
        let folder = try TemporaryFolder()
        let original = SmallRun.trainedCheckpoint(try SmallRun.config(in: folder), folder: folder)
        let resealed = folder.path("resealed.safetensors")
        try reseal(original, resealed)
        let before = try LoadedCheckpoint.load(path: original), after = try LoadedCheckpoint.load(path: resealed)
        XCTAssertEqual(after.metadata, before.metadata)
        XCTAssertEqual(after.layout, before.layout)
        XCTAssertEqual(after.model.captureState().floats, before.model.captureState().floats)
    }

    /// A layout edited in place (its metadata checksum now stale) and re-sealed by the fuzzer is
    /// refused for what was edited, not by the checksum.
    func testAnEditResealedByTheFuzzerReachesTheLayoutChecks() throws {
        let folder = try TemporaryFolder()
        let original = SmallRun.trainedCheckpoint(try SmallRun.config(in: folder), folder: folder)
        var file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: original))
        var layout = try LoadedCheckpoint.load(path: original).layout
        layout.crosses[0].components[1] = .categorical(7)
        file.metadata["layout"] = String(decoding: try JSONEncoder().encode(layout), as: UTF8.self)
        let stale = try folder.write("stale.safetensors", bytes: try file.serializedBytes())
        assertContains(thrownDescription { _ = try LoadedCheckpoint.load(path: stale) }, "metadata checksum mismatch")
        let resealed = folder.path("resealed.safetensors")
        try reseal(stale, resealed)
        assertContains(thrownDescription { _ = try LoadedCheckpoint.load(path: resealed) },
                       resealed, "layout.crosses[0]", "categorical field 7")
    }
}
