import Foundation
import XCTest
@testable import SafeTensors
@testable import WideDeep
import WDLTestSupport

/// Every way a checkpoint file can be damaged or forged gives a clear error naming the file —
/// never a crash, never a model built from part of the file.
final class CheckpointCorruptionTests: XCTestCase {
    var folder: TemporaryFolder!
    var config: RunConfig!
    var original: String!
    var request: CheckpointRequest!

    override func setUpWithError() throws {
        folder = try TemporaryFolder()
        config = try SmallRun.config(in: folder)
        let data = try RunData.load(config: config, threads: 1)
        let model = WideDeepModel(layout: data.layout, config: config)
        TinyModel.trainStep(model, data.train, rows: Array(0..<50))
        request = CheckpointRequest(
            directory: folder.path("ck"), name: "step-1", state: model.captureState(), layout: data.layout, config: config,
            step: 1, epoch: 0, examples: 50, generator: SeededGenerator(seed: 1),
            position: DataPosition(epochOffset: 50, epochStartGenerator: SeededGenerator(seed: 2)),
            hyperparameters: [], events: [], wideNames: data.train.wideNames)
        original = try Checkpoint.save(request)
        XCTAssertNoThrow(try LoadedCheckpoint.load(path: original))
    }

    override func tearDown() { folder = nil }

    private func bytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: original))) }

    /// Loading `bytes` written to a new file fails with a message containing every part.
    private func assertRefused(_ bytes: [UInt8], _ parts: String..., file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try folder.write("damaged-\(UUID().uuidString).safetensors", bytes: bytes)
        let message = thrownDescription({ _ = try LoadedCheckpoint.load(path: path) }, file: file, line: line)
        XCTAssertTrue(message.hasPrefix(path + ": "), message, file: file, line: line)
        for part in parts { XCTAssertTrue(message.contains(part), "'\(message)' lacks '\(part)'", file: file, line: line) }
    }

    /// The checkpoint re-written after `change` (checksums recomputed, the metadata's too, so only
    /// the change is wrong).
    private func rewritten(_ change: (inout SafeTensorsFile) throws -> Void) throws -> [UInt8] {
        var file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: original))
        try change(&file)
        if file.metadata[CheckpointIntegrity.metadataChecksumKey] != nil { CheckpointIntegrity.seal(&file.metadata) }
        return try file.serializedBytes()
    }

    func testTruncatedFile() throws {
        let all = try bytes()
        try assertRefused(Array(all.prefix(all.count - 100)), "not a readable checkpoint", "the file is truncated")
        try assertRefused(Array(all.prefix(5)), "not a readable checkpoint", "shorter than the 8-byte header length")
        try assertRefused([], "not a readable checkpoint")
    }

    func testFlippedBytesFailTheChecksum() throws {
        var all = try bytes()
        let header = try SafeTensorsFile.readHeader(of: URL(fileURLWithPath: original))
        let z = try XCTUnwrap(header.tensors.first { $0.name == "wide.ftrl_z" })
        all[header.dataStart + z.dataOffsets.lowerBound + 17] ^= 0x40
        try assertRefused(all, "tensor 'wide.ftrl_z'", "checksum mismatch", "corrupt")
    }

    func testAbsurdHeaderLength() throws {
        var all = try bytes()
        withUnsafeBytes(of: (UInt64(1) << 60).littleEndian) { all.replaceSubrange(0..<8, with: $0) }
        try assertRefused(all, "header length 1152921504606846976 exceeds file size")
    }

    func testNotSafetensors() throws {
        try assertRefused(Array("age,workclass\n39,State-gov\n".utf8), "not a readable checkpoint")
        try assertRefused(Array(repeating: 0xFF, count: 4096), "not a readable checkpoint")
    }

    func testSafetensorsFileThatIsNotAWdlCheckpoint() throws {
        let other = SafeTensorsFile(metadata: ["format": "pt"], tensors: ["weight": try Tensor([Float](repeating: 1, count: 6), shape: [2, 3])])
        try assertRefused(try other.serializedBytes(), "a safetensors file, but not a wdl checkpoint", "'pt'")
        try assertRefused(try SafeTensorsFile().serializedBytes(), "not a wdl checkpoint", "absent")
    }

    func testNewerFormatVersion() throws {
        try assertRefused(try rewritten { $0.metadata["format_version"] = "3" }, "format version 3 is newer", "update wdl")
        try assertRefused(try rewritten { $0.metadata["format_version"] = "two" }, "'format_version' is missing or not a number")
    }

    func testTensorOfTheWrongSizeShapeOrDtype() throws {
        try assertRefused(try rewritten { $0["deep.dense0.bias"] = try Tensor([Float](repeating: 0, count: 9)) },
                          "tensor 'deep.dense0.bias' has 9 values where the model's layout needs 8")
        try assertRefused(try rewritten { file in
            let flat = try file.tensor(named: "deep.embedding.a")
            file["deep.embedding.a"] = try Tensor(dtype: .f32, shape: [flat.elementCount], bytes: flat.bytes)
        }, "tensor 'deep.embedding.a' has shape [\(request.layout.embeddingRows[0] * 4)] where the model's layout needs [\(request.layout.embeddingRows[0]), 4]")
        try assertRefused(try rewritten { file in
            let z = try file.tensor(named: "wide.ftrl_z")
            file["wide.ftrl_z"] = try Tensor(dtype: .i32, shape: z.shape, bytes: z.bytes)
        }, "tensor 'wide.ftrl_z' has dtype I32 where a wdl checkpoint has F32")
        try assertRefused(try rewritten { $0["deep.logit.bias"] = nil }, "tensor 'deep.logit.bias' is missing")
        try assertRefused(try rewritten { $0["extra"] = try Tensor([Float(1)]) }, "tensor 'extra' does not belong")
        try assertRefused(try rewritten { $0["deep.dense0.bias"] = try Tensor([Float](repeating: .nan, count: 8)) },
                          "tensor 'deep.dense0.bias' holds a NaN or infinite value at index 0")
    }

    /// A layout in the metadata that claims far more parameters than the file holds is refused
    /// before a model of that size is allocated.
    func testForgedLayoutIsRefusedBeforeAllocating() throws {
        var layout = request.layout
        layout.hashBuckets = 1 << 30
        layout.embeddingRows = [1 << 26, 1 << 26]
        let json = String(decoding: try JSONEncoder().encode(layout), as: UTF8.self)
        // The recorded config forged to match, so that the layout is one fitting could give.
        var config = request.config
        config.features.hashBuckets = 1 << 30
        config.features.embeddingBuckets = 1 << 26
        let configJSON = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        try assertRefused(try rewritten {
            $0.metadata["layout"] = json
            $0.metadata["config"] = configJSON
        }, "describes more parameters than the file's tensors hold")
        // The layout alone forged: it is not the recorded config's.
        try assertRefused(try rewritten { $0.metadata["layout"] = json }, "layout.hashBuckets is 1073741824")
        layout.hashBuckets = -1
        let negative = String(decoding: try JSONEncoder().encode(layout), as: UTF8.self)
        try assertRefused(try rewritten { $0.metadata["layout"] = negative }, "out of range")
        try assertRefused(try rewritten { $0.metadata["layout"] = "{" }, "metadata 'layout' is not valid")
    }

    /// A resumed run from a damaged file fails with the file's error and trains nothing.
    func testResumeFromADamagedFileFails() throws {
        let all = try bytes()
        let path = try folder.write("half.safetensors", bytes: Array(all.prefix(all.count / 2)))
        var options = SessionOptions()
        options.resumePath = path
        let session = TrainingSession(config: config, options: options)
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        XCTAssertEqual(session.snapshot.step, 0)
        assertContains(session.snapshot.stateDetail ?? "", path, "not a readable checkpoint")
    }

    /// A save interrupted after writing the temporary file and before the rename (a kill at that
    /// moment) leaves the previous checkpoint under the name, loadable and unchanged.
    func testInterruptedSaveLeavesThePreviousCheckpointLoadable() throws {
        let before = try LoadedCheckpoint.load(path: original)
        var next = request!
        next.step = 99
        next.state.floats["deep.logit.bias"] = [0.5]
        var crash = SafeTensorsFile.WriteOptions()
        crash.stopBeforeRename = true
        XCTAssertEqual(try Checkpoint.save(next, writeOptions: crash), original)

        let after = try LoadedCheckpoint.load(path: original)
        XCTAssertEqual(after.step, 1)
        XCTAssertEqual(after.model.captureState().floats, before.model.captureState().floats)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path("ck"))
        XCTAssertEqual(names.filter { $0.hasSuffix(".safetensors") }, ["step-1.safetensors"])
        XCTAssertEqual(names.filter(AtomicFile.isTemporaryFileName).count, 1, "the interrupted write's leftover: \(names)")
        // The next save over the name completes normally.
        _ = try Checkpoint.save(next)
        XCTAssertEqual(try LoadedCheckpoint.load(path: original).step, 99)
    }
}
