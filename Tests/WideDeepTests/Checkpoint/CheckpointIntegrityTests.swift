import Foundation
import XCTest
@testable import SafeTensors
@testable import WideDeep
import WDLTestSupport

/// The audit's silent wrong answers on load (issue 15): a checkpoint whose checksums are switched
/// off, whose metadata is changed, or whose values lie outside what training produces is refused
/// with the file's name, never loaded.
final class CheckpointIntegrityTests: XCTestCase {
    var folder: TemporaryFolder!
    var config: RunConfig!
    var original: String!

    override func setUpWithError() throws {
        folder = try TemporaryFolder()
        config = try SmallRun.config(in: folder)
        config.features.buckets = ["x": .boundaries([-1, 0, 1])]
        config.train.epochs = 1
        original = SmallRun.trainedCheckpoint(config, folder: folder)
    }

    override func tearDown() { folder = nil }

    private func bytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: original))) }

    private func assertRefused(_ bytes: [UInt8], _ parts: String..., file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try folder.write("bad-\(UUID().uuidString).safetensors", bytes: bytes)
        let message = thrownDescription({ _ = try LoadedCheckpoint.load(path: path) }, file: file, line: line)
        XCTAssertTrue(message.hasPrefix(path + ": "), message, file: file, line: line)
        for part in parts { XCTAssertTrue(message.contains(part), "'\(message)' lacks '\(part)'", file: file, line: line) }
    }

    /// Rewritten after `change`, with every checksum recomputed: only the change is wrong.
    private func crafted(_ change: (inout SafeTensorsFile) throws -> Void) throws -> [UInt8] {
        var file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: original))
        try change(&file)
        CheckpointIntegrity.seal(&file.metadata)
        return try file.serializedBytes()
    }

    /// The raw bytes with the first occurrence of `old` replaced by `new` (same length).
    private func replacing(_ old: String, with new: String) throws -> [UInt8] {
        var all = try bytes()
        let needle = Array(old.utf8), replacement = Array(new.utf8)
        XCTAssertEqual(needle.count, replacement.count)
        let start = try XCTUnwrap((0...(all.count - needle.count)).first { Array(all[$0..<($0 + needle.count)]) == needle })
        all.replaceSubrange(start..<(start + needle.count), with: replacement)
        return all
    }

    func testSavedFilesAreVersion2WithAMetadataChecksumThatMatches() throws {
        let header = try SafeTensorsFile.readHeader(of: URL(fileURLWithPath: original))
        XCTAssertEqual(header.metadata["format_version"], "2")
        let stored = try XCTUnwrap(header.metadata[CheckpointIntegrity.metadataChecksumKey])
        // Independently: CRC32C of "key\0value\0" over the other keys in byte order.
        var bytes: [UInt8] = []
        for key in header.metadata.keys.sorted() where key != "metadata_crc32c" {
            bytes += Array(key.utf8) + [0] + Array(header.metadata[key]!.utf8) + [0]
        }
        XCTAssertEqual(stored, CRC32C.hex(CRC32C.checksum(bytes)))
    }

    func testChecksumsCannotBeSwitchedOff() throws {
        // One bit flip renames the key ('c' 0x63 → 'b' 0x62): the tensors would go unchecked.
        try assertRefused(try replacing("\"crc32c\":", with: "\"crc32b\":"), "no tensor checksums")
        // A file written without them at all.
        var file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: original))
        CheckpointIntegrity.seal(&file.metadata)
        try assertRefused(try file.serializedBytes(checksums: false), "no tensor checksums", "damaged")
    }

    func testAChangedMetadataByteFailsTheMetadataChecksum() throws {
        // The audit's bucket boundary 1 → 2 in the recorded config, and a renamed key.
        let header = try SafeTensorsFile.readHeader(of: URL(fileURLWithPath: original))
        XCTAssertTrue(try XCTUnwrap(header.metadata["config"]).contains("[-1,0,1]"))
        try assertRefused(try replacing("[-1,0,1]", with: "[-1,0,2]"), "metadata checksum mismatch")
        try assertRefused(try replacing("\"saved_at\"", with: "\"saved_as\""), "metadata checksum mismatch")
        try assertRefused(try replacing("\"metadata_crc32c\"", with: "\"metadata_crc32b\""), "has no metadata checksum", "version 2")
    }

    func testVersion1FilesWithTensorChecksumsStillLoad() throws {
        let v1 = try crafted { $0.metadata["format_version"] = "1" }
        var file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: original))
        file.metadata["format_version"] = "1"
        file.metadata[CheckpointIntegrity.metadataChecksumKey] = nil
        let path = try folder.write("v1.safetensors", bytes: try file.serializedBytes())
        XCTAssertEqual(try LoadedCheckpoint.load(path: path).step, try LoadedCheckpoint.load(path: original).step)
        XCTAssertNoThrow(try LoadedCheckpoint.load(path: try folder.write("v1-sealed.safetensors", bytes: v1)))
        try assertRefused(try crafted { $0.metadata["format_version"] = "0" }, "format version 0 does not exist")
    }

    func testCountersOutOfRange() throws {
        for key in ["step", "epoch", "examples", "epoch_offset"] {
            try assertRefused(try crafted { $0.metadata[key] = String(Int.max) }, "metadata '\(key)'", "0…\(1 << 50)")
        }
        try assertRefused(try crafted { $0.metadata["epoch_offset"] = String(1 << 62) }, "metadata 'epoch_offset'")
        try assertRefused(try crafted { $0.metadata["step"] = "-1" }, "metadata 'step'")
    }

    func testRecordedConfigIsValidatedAsAConfigFile() throws {
        func withConfig(_ change: (inout RunConfig) -> Void) throws -> [UInt8] {
            var saved = config!
            change(&saved)
            let json = String(decoding: try JSONEncoder().encode(saved), as: UTF8.self)
            return try crafted { $0.metadata["config"] = json }
        }
        try assertRefused(try withConfig { $0.optim.wide.alpha = -1 }, "the recorded config is invalid", "optim.wide.alpha")
        try assertRefused(try withConfig { $0.optim.wide.alpha = 0 }, "optim.wide.alpha")
        try assertRefused(try withConfig { $0.train.epochs = Int.max }, "train.epochs must be 1…1000000")
        try assertRefused(try crafted { $0.metadata["hyperparameters"] = #"{"ftrl_alpha":-1}"# }, "metadata 'hyperparameters'", "FTRL α")
    }

    func testDescendingBucketBoundariesInTheLayoutAreRefused() throws {
        let loaded = try LoadedCheckpoint.load(path: original)
        var layout = loaded.layout
        XCTAssertEqual(layout.bucketizers.first?.boundaries, [-1, 0, 1])
        layout.bucketizers[0].boundaries = [1, 0, -1]
        let json = String(decoding: try JSONEncoder().encode(layout), as: UTF8.self)
        try assertRefused(try crafted { $0.metadata["layout"] = json }, "metadata 'layout'", "layout.bucketizers[0] ('x')", "strictly ascending")
    }

    func testTensorDomains() throws {
        func setting(_ name: String, at index: Int = 0, to value: Float) throws -> [UInt8] {
            try crafted { file in
                var values = try file.tensor(named: name).floats()
                values[index] = value
                file[name] = try Tensor(values, shape: try file.tensor(named: name).shape)
            }
        }
        try assertRefused(try setting("wide.ftrl_n", at: 3, to: -1), "tensor 'wide.ftrl_n'", "negative value -1.0 at index 3")
        try assertRefused(try setting("deep.logit.weight", to: 3e38), "tensor 'deep.logit.weight'", "beyond")
        try assertRefused(try setting("deep.dense0.weight.adagrad_accumulator", to: -0.5), "negative")
        try assertRefused(try setting("deep.logit.bias", to: .infinity), "NaN or infinite value at index 0")
        XCTAssertNoThrow(try CheckpointIntegrity.checkDomain("wide.ftrl_z", [-1e6, 0, 1e6], domain: .real, path: "p"))
    }

    func testANonFinitePredictionIsAnErrorNamingTheRow() {
        XCTAssertNoThrow(try CheckpointIntegrity.checkPredictions([0, -3, 40], checkpoint: "m.safetensors", dataPath: "d.csv"))
        let message = thrownDescription {
            try CheckpointIntegrity.checkPredictions([0, .nan, 1], checkpoint: "m.safetensors", dataPath: "d.csv")
        }
        assertContains(message, "m.safetensors: ", "2. parsed row of d.csv", "not finite")
    }

    /// `epoch_offset` past the data trained zero examples and printed "train loss nan" (exit 0).
    func testResumeWithADataPositionPastTheDataFails() throws {
        let far = try folder.write("far.safetensors", bytes: try crafted { $0.metadata["epoch_offset"] = "5000" })
        var options = SessionOptions()
        options.resumePath = far
        let session = TrainingSession(config: try CheckpointMetadata.config(of: far), options: options)
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        assertContains(session.snapshot.stateDetail ?? "", far, "past the 2000 training rows")
    }
}

/// `--resume train.csv`: said to be no safetensors file, once, before any header length.
final class NotACheckpointTests: XCTestCase {
    func testATextFileGivenAsACheckpointIsSaidToBeOne() throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("train.csv", "age,workclass,education\n39,State-gov,Bachelors\n")
        let message = thrownDescription { _ = try CheckpointMetadata.config(of: csv) }
        XCTAssertEqual(message, "\(csv): not a readable checkpoint: not a safetensors file (it starts with text, not a header length)")
        let fifo = folder.path("pipe.safetensors")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        assertContains(thrownDescription { _ = try CheckpointMetadata.config(of: fifo) }, fifo, "named pipe")
    }
}
