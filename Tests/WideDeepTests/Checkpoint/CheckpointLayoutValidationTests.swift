import Foundation
import XCTest
@testable import SafeTensors
@testable import WideDeep
import WDLTestSupport

/// Forged checkpoint metadata (issue 21, item 6): the layout or the recorded config edited and
/// the metadata checksum recomputed, tensors untouched. Each is refused on load with the file's
/// name and the field that no fitting could have produced; before, each loaded and then crashed
/// on an out-of-range index or answered from a neighbouring row.
final class CheckpointLayoutValidationTests: XCTestCase {
    var folder: TemporaryFolder!
    var config: RunConfig!
    var original: String!
    var layout: FeatureLayout!

    override func setUpWithError() throws {
        folder = try TemporaryFolder()
        config = try SmallRun.config(in: folder)
        // Fixed boundaries for x, and a cross of a categorical field with x's buckets.
        config.features.buckets = ["x": .boundaries([-1, 0, 1])]
        config.features.crosses = [["a", "b"], ["a", "x"]]
        config.train.epochs = 1
        original = SmallRun.trainedCheckpoint(config, folder: folder)
        layout = try LoadedCheckpoint.load(path: original).layout
    }

    override func tearDown() { folder = nil }

    /// The checkpoint with its layout changed by `change` and the metadata re-sealed.
    private func forgedLayout(_ change: (inout FeatureLayout) -> Void) throws -> [UInt8] {
        var changed = layout!
        change(&changed)
        let json = String(decoding: try JSONEncoder().encode(changed), as: UTF8.self)
        return try forged(metadata: { $0["layout"] = json })
    }

    private func forgedConfig(_ change: (inout RunConfig) -> Void) throws -> [UInt8] {
        var saved = try CheckpointMetadata.config(of: original)
        change(&saved)
        let json = String(decoding: try JSONEncoder().encode(saved), as: UTF8.self)
        return try forged(metadata: { $0["config"] = json })
    }

    private func forged(metadata change: (inout [String: String]) -> Void) throws -> [UInt8] {
        var file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: original))
        change(&file.metadata)
        CheckpointIntegrity.seal(&file.metadata)
        return try file.serializedBytes()
    }

    private func assertRefused(_ bytes: [UInt8], _ parts: String..., file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try folder.write("forged-\(UUID().uuidString).safetensors", bytes: bytes)
        let message = thrownDescription({ _ = try LoadedCheckpoint.load(path: path) }, file: file, line: line)
        XCTAssertTrue(message.hasPrefix(path + ": "), message, file: file, line: line)
        for part in parts { XCTAssertTrue(message.contains(part), "'\(message)' lacks '\(part)'", file: file, line: line) }
    }

    func testTheUnchangedLayoutResealedLoads() throws {
        XCTAssertNil(layout.fittingProblem(config: config))
        let path = try folder.write("resealed.safetensors", bytes: try forgedLayout { _ in })
        XCTAssertEqual(try LoadedCheckpoint.load(path: path).layout, layout)
    }

    func testCrossComponentsThatDoNotExistAreRefused() throws {
        // Two categorical fields (a, b) and one bucketizer (x): index 2 and −1 name nothing.
        XCTAssertEqual(layout.crosses[1].components, [.categorical(0), .bucket(0)])
        try assertRefused(try forgedLayout { $0.crosses[0].components[1] = .categorical(2) },
                          "metadata 'layout'", "layout.crosses[0] ('a x b')", "categorical field 2", "there are 2")
        try assertRefused(try forgedLayout { $0.crosses[0].components[0] = .categorical(-1) },
                          "layout.crosses[0]", "categorical field -1")
        try assertRefused(try forgedLayout { $0.crosses[1].components[1] = .bucket(1) },
                          "layout.crosses[1] ('a x x')", "bucketized column 1", "there are 1")
        try assertRefused(try forgedLayout { $0.crosses[1].components[1] = .bucket(-1) }, "layout.crosses[1]", "bucketized column -1")
        // In range but not the config's cross: a x b read as b x a.
        try assertRefused(try forgedLayout { $0.crosses[0].components = [.categorical(1), .categorical(0)] },
                          "layout.crosses[0] ('a x b') is not the recorded config's cross [a, b]")
    }

    func testAOneFieldCrossAndAMissingCrossAreRefused() throws {
        try assertRefused(try forgedLayout { $0.crosses[0].components = [.categorical(0)] },
                          "layout.crosses[0]", "two or more components, this one 1")
        try assertRefused(try forgedLayout { $0.crosses.removeLast() }, "layout.crosses has 1 crosses", "features.crosses has 2")
    }

    func testABucketizedColumnThatDoesNotExistIsRefused() throws {
        XCTAssertEqual(layout.bucketColumns, [0])
        try assertRefused(try forgedLayout { $0.bucketColumns = [1] }, "layout.bucketColumns is [1]")
        try assertRefused(try forgedLayout { $0.bucketColumns = [-1] }, "layout.bucketColumns is [-1]")
        try assertRefused(try forgedLayout { $0.bucketColumns = [] }, "layout.bucketColumns is []")
        try assertRefused(try forgedLayout { $0.bucketizers[0].name = "y" }, "layout.bucketizers names [\"y\"]")
    }

    func testBucketBoundariesFittingCannotGiveAreRefused() throws {
        try assertRefused(try forgedLayout { $0.bucketizers[0].boundaries = [] },
                          "layout.bucketizers[0] ('x')", "differ from the recorded config's [-1.0, 0.0, 1.0]")
        try assertRefused(try forgedLayout { $0.bucketizers[0].boundaries = [-1, 0, 2] }, "layout.bucketizers[0]", "differ")
        // Quantile boundaries: at most N − 1 of them, each a 32-bit value of the column.
        let quantiles = try forgedConfig { $0.features.buckets = ["x": .quantiles(3)] }
        var quantileFile = try SafeTensorsFile(bytes: quantiles)
        var twoBoundaries = layout!
        twoBoundaries.bucketizers[0].boundaries = [-0.5, 0.25]
        quantileFile.metadata["layout"] = String(decoding: try JSONEncoder().encode(twoBoundaries), as: UTF8.self)
        CheckpointIntegrity.seal(&quantileFile.metadata)
        let accepted = try folder.write("quantile.safetensors", bytes: try quantileFile.serializedBytes())
        XCTAssertNoThrow(try LoadedCheckpoint.load(path: accepted), "two Float boundaries are a quantile:3 fit")
        for (boundaries, expected) in [([-0.5, 0.25, 0.5], "3 boundaries where quantile:3 fits at most 2"),
                                       ([0.1, 0.2], "not a value of the column")] {
            var forged = twoBoundaries
            forged.bucketizers[0].boundaries = boundaries
            quantileFile.metadata["layout"] = String(decoding: try JSONEncoder().encode(forged), as: UTF8.self)
            CheckpointIntegrity.seal(&quantileFile.metadata)
            try assertRefused(try quantileFile.serializedBytes(), "layout.bucketizers[0] ('x')", expected)
        }
    }

    func testNumericTransformsFittingCannotGiveAreRefused() throws {
        try assertRefused(try forgedLayout { $0.numeric[0].deviation = -1 }, "layout.numeric[0] ('x')", "deviation -1.0")
        try assertRefused(try forgedLayout { $0.numeric[0].deviation = 0 }, "layout.numeric[0]", "deviation 0.0")
        try assertRefused(try forgedLayout { $0.numeric[0].mean = 1e300 }, "layout.numeric[0]", "mean 1e+300")
        try assertRefused(try forgedLayout { $0.numeric[0].logarithm = true }, "layout.numeric[0]", "features.log")
        try assertRefused(try forgedLayout { $0.numeric[0].name = "y" }, "layout.numeric names [\"y\"]")
    }

    func testASchemaThatIsNotTheConfigsIsRefused() throws {
        // The label column is y; a, b and x are features.
        try assertRefused(try forgedLayout { $0.schema.labelColumn = "a" }, "layout.schema.labelColumn", "recorded config")
        try assertRefused(try forgedLayout {
            $0.schema.numeric = ["x", "x"]
            $0.numeric.append($0.numeric[0])
        }, "layout.schema.numeric")
        try assertRefused(try forgedLayout { $0.schema.positive = ["0"] }, "layout.schema.positive")
        try assertRefused(try forgedLayout { $0.schema.categorical = ["b", "a"] }, "layout.schema.categorical")
    }

    func testARecordedConfigThatDisagreesWithTheLayoutIsRefused() throws {
        try assertRefused(try forgedConfig { $0.features.categorical = ["a"] }, "layout.schema.categorical", "recorded config")
        try assertRefused(try forgedConfig { $0.features.categorical = ["a", "b", "x"] }, "recorded config's columns are not usable",
                          "column 'x' is listed as numeric and as categorical")
        try assertRefused(try forgedConfig { $0.features.hashBuckets = 1 << 13 }, "layout.hashBuckets is 4096", "8192")
        try assertRefused(try forgedConfig { $0.features.crosses = [["a", "b"], ["b", "x"]] }, "layout.crosses[1]")
        try assertRefused(try forgedConfig { $0.model.mode = .deep }, "metadata 'model_mode' is 'wide-deep'")
    }

    /// The audit's `--resume` crash: a recorded config listing one categorical field fewer than
    /// the layout read the data with one schema and encoded it with another.
    func testResumingFromACheckpointWhoseConfigDisagreesFailsTheRunNamingTheFile() throws {
        let path = try folder.write("forged-resume.safetensors", bytes: try forgedConfig { $0.features.categorical = ["a"] })
        // `wdl train --resume` reads the config first: refused there, naming the file.
        assertContains(thrownDescription { _ = try CheckpointMetadata.config(of: path) }, path, "layout.schema.categorical")
        // A session given that config anyway refuses the checkpoint before reading data.
        var config = try CheckpointMetadata.config(of: original)
        config.features.categorical = ["a"]
        var options = SessionOptions()
        options.resumePath = path
        let session = TrainingSession(config: config, options: options)
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        assertContains(session.snapshot.stateDetail ?? "", path, "layout.schema.categorical")
    }

    func testEmbeddingRowsFittingCannotGiveAreRefused() throws {
        // Rows are a power of two from 64 under the budget, or the budget.
        XCTAssertTrue(layout.embeddingRows.allSatisfy { $0 >= 64 && $0.nonzeroBitCount == 1 })
        try assertRefused(try forgedLayout { $0.embeddingRows[1] = 100 }, "layout.embeddingRows[1] ('b') is 100")
        try assertRefused(try forgedLayout { $0.embeddingRows[0] = 32 }, "layout.embeddingRows[0] ('a') is 32")
    }

    func testAnAllZeroGeneratorStateIsRefused() throws {
        try assertRefused(try forged(metadata: { $0["rng_state"] = "0,0,0,0" }), "metadata 'rng_state' is the all-zero generator state")
        try assertRefused(try forged(metadata: { $0["epoch_start_rng"] = "0,0,0,0" }), "metadata 'epoch_start_rng'")
    }

    func testAnotherHashingSchemeIsRefused() throws {
        try assertRefused(try forged(metadata: { $0["hashing"] = "murmur3" }), "metadata 'hashing'", "another hashing scheme")
    }

    func testAFeatureGroupOutsideTheLayoutIsRefused() throws {
        var file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: original))
        var groups = try file.tensor(named: "wide.group_of").values(as: UInt16.self)
        // Groups: a, b, x buckets, two crosses.
        XCTAssertEqual(layout.wideGroupNames.count, 5)
        groups[3] = 5
        file.tensors["wide.group_of"] = try Tensor(groups)
        try assertRefused(try file.serializedBytes(), "tensor 'wide.group_of' holds group 5 at index 3", "5 feature groups")
    }

    /// Fitted layouts of other kinds pass: a wide-only model (unfitted transforms, tables at the
    /// budget) and quantile buckets under a small embedding budget.
    func testLayoutsFittingProducesPass() throws {
        var wide = config!
        wide.model.mode = .wide
        XCTAssertNoThrow(try LoadedCheckpoint.load(path: SmallRun.trainedCheckpoint(wide, folder: folder, name: "wide")))
        var quantiles = config!
        quantiles.features.buckets = ["x": .quantiles(5)]
        quantiles.features.embeddingBuckets = 100
        XCTAssertNoThrow(try LoadedCheckpoint.load(path: SmallRun.trainedCheckpoint(quantiles, folder: folder, name: "q")))
    }
}
