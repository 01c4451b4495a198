import Foundation
import XCTest
@testable import SafeTensors
import WDLTestSupport

final class AtomicWriteTests: XCTestCase {
    private func checkpoint(step: Int64) throws -> SafeTensorsFile {
        SafeTensorsFile(metadata: ["step": String(step)], tensors: [
            "w": try Tensor((0..<1000).map { Float($0) + Float(step) }, shape: [10, 100]),
            "step": Tensor(scalar: step),
        ])
    }

    func testWriteAndLoadFromDisk() throws {
        let folder = try temporaryDirectory()
        let url = folder.appendingPathComponent("final.safetensors")
        let original = try checkpoint(step: 1)
        try original.write(to: url)
        let loaded = try SafeTensorsFile(contentsOf: url)
        XCTAssertEqual(loaded, original)
        XCTAssertEqual(loaded.sourcePath, url.path)
        XCTAssertEqual(try Data(contentsOf: url), Data(try original.serializedBytes()))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["final.safetensors"],
                       "no temporary file is left behind")
        // Overwriting replaces the content.
        let next = try checkpoint(step: 2)
        try next.write(to: url, options: .init(checksums: false, durable: false))
        XCTAssertEqual(try SafeTensorsFile(contentsOf: url), next)
        // Accessor errors name the file.
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: url).values(named: "w", as: Float.self, shape: [1000])) { error in
            XCTAssertEqual("\(error)", "\(url.path): tensor 'w': shape is [10, 100], expected [1000]")
        }
    }

    /// A save that "crashes" after writing the temporary file but before the rename leaves the
    /// previous checkpoint intact and loadable, and the leftover is recognisably not a checkpoint.
    func testInterruptedSaveLeavesPreviousFileLoadable() throws {
        let folder = try temporaryDirectory()
        let url = folder.appendingPathComponent("step-100.safetensors")
        let previous = try checkpoint(step: 100)
        try previous.write(to: url)

        var crash = SafeTensorsFile.WriteOptions()
        crash.stopBeforeRename = true
        try checkpoint(step: 200).write(to: url, options: crash)

        XCTAssertEqual(try SafeTensorsFile(contentsOf: url), previous)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(names.count, 2)
        let leftovers = names.filter { $0 != "step-100.safetensors" }
        XCTAssertEqual(leftovers.count, 1)
        let temporary = try XCTUnwrap(leftovers.first)
        XCTAssertTrue(temporary.hasPrefix(".step-100.safetensors.tmp-"), temporary)
        XCTAssertFalse(temporary.hasSuffix(".safetensors"))
        XCTAssertTrue(AtomicFile.isTemporaryFileName(temporary))
        XCTAssertFalse(AtomicFile.isTemporaryFileName("step-100.safetensors"))
        XCTAssertFalse(AtomicFile.isTemporaryFileName(".hidden.safetensors"))
        // A checkpoint listing such as `--keep K` would use does not see it.
        XCTAssertEqual(names.filter { $0.hasSuffix(".safetensors") }, ["step-100.safetensors"])
        // The leftover itself is a complete file (it was fsynced), but it is never picked up.
        XCTAssertEqual(try SafeTensorsFile(contentsOf: folder.appendingPathComponent(temporary)), try checkpoint(step: 200))
    }

    func testFailedWriteReportsPathAndLeavesNothing() throws {
        let folder = try temporaryDirectory()
        let url = folder.appendingPathComponent("missing-dir/final.safetensors")
        XCTAssertThrowsError(try checkpoint(step: 1).write(to: url)) { error in
            guard case let .io(path, operation, message)? = error as? SafeTensorsError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
            XCTAssertEqual(operation, "create a temporary file in \(folder.path)/missing-dir")
            XCTAssertEqual(message, "No such file or directory")
        }
        // Writing over a directory fails at the rename; the temporary file is removed.
        let directoryTarget = folder.appendingPathComponent("taken.safetensors")
        try FileManager.default.createDirectory(at: directoryTarget, withIntermediateDirectories: false)
        XCTAssertTrue(FileManager.default.createFile(atPath: directoryTarget.appendingPathComponent("x").path, contents: Data()))
        XCTAssertThrowsError(try checkpoint(step: 1).write(to: directoryTarget)) { error in
            guard case .io(directoryTarget.path, "rename", _)? = error as? SafeTensorsError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["taken.safetensors"])
    }

    /// Plain bytes (as `wdl predict` and `wdl gen` write them): the new content replaces the old
    /// one whole, and a write that fails midway leaves the old file and no temporary file.
    func testPlainBytesReplaceTheFileOrNothing() throws {
        let folder = try temporaryDirectory()
        let path = folder.appendingPathComponent("predictions.txt").path
        try AtomicFile.write(Array("old\n".utf8), to: path)
        try AtomicFile.write(Array("0.25\n0.5\n".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "0.25\n0.5\n")

        struct Interrupted: Error {}
        XCTAssertThrowsError(try AtomicFile.write(to: path) { output in
            try output.write(Array("partial".utf8))
            throw Interrupted()
        }) { XCTAssertTrue($0 is Interrupted, "\($0)") }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "0.25\n0.5\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["predictions.txt"])
    }

    func testReadHeaderOnly() throws {
        let url = try temporaryDirectory().appendingPathComponent("m.safetensors")
        try checkpoint(step: 3).write(to: url)
        let header = try SafeTensorsFile.readHeader(of: url)
        XCTAssertEqual(header.metadata, ["step": "3"])
        XCTAssertEqual(header.tensors.map(\.name), ["step", "w"])
        XCTAssertEqual(header.tensors.map(\.shape), [[], [10, 100]])
        XCTAssertEqual(header.tensors.map(\.byteCount), [8, 4000])
        XCTAssertEqual(header.dataStart + header.dataLength,
                       try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
    }
}
