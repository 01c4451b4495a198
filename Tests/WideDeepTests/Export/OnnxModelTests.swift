import XCTest
@testable import WideDeep

/// The parts of the ONNX export that stand without ONNX Runtime (which `.ci/e2e-ecosystem.sh`
/// runs on exported models): the refusal of multi-valued fields and the model's header fields.
final class OnnxModelTests: XCTestCase {
    func testMultiValuedFieldsAreRefusedByName() throws {
        var config = RunConfig.clickCSV
        config.features.multiValued = ["tags": "|"]
        let layout = FeatureLayout(schema: try DataSchema(config: config), numeric: [], bucketizers: [], bucketColumns: [],
                                   crosses: [], hashBuckets: 16, embeddingRows: [], embeddingDim: 2)
        let refusal = try XCTUnwrap(OnnxModel.refusal(layout))
        assertContains(refusal, "multi-valued", "tags", "single-valued")
        XCTAssertNil(OnnxModel.refusal(FeatureLayout(schema: try DataSchema(config: .clickCSV), numeric: [], bucketizers: [],
                                                    bucketColumns: [], crosses: [], hashBuckets: 16, embeddingRows: [],
                                                    embeddingDim: 2)))
    }

    /// ModelProto starts with ir_version (field 1) 8, producer_name (2) "wdl", and ends with
    /// opset_import (8) { domain (1) "", version (2) 17 }.
    func testModelHeaderAndOpset() throws {
        var config = TinyModel.config(mode: .wide)
        config.features.multiValued = [:]
        config.features.crosses = []
        let (layout, _) = try TinyModel.load(config)
        let bytes = try OnnxModel.encoded(WideDeepModel(layout: layout, config: config))
        XCTAssertEqual(Array(bytes.prefix(7)), [0x08, 0x08, 0x12, 0x03, 0x77, 0x64, 0x6C])
        XCTAssertEqual(Array(bytes.suffix(6)), [0x42, 0x04, 0x0A, 0x00, 0x10, 0x11])
    }

    /// A negative-sampled model's graph adds ln r to the logit before the Sigmoid (an initializer
    /// holding exactly Float(ln r), and an Add into `calibrated_logit`); an unsampled one does not.
    func testSampledModelGraphAddsTheLogRate() throws {
        var config = TinyModel.config(mode: .wide)
        config.features.multiValued = [:]
        config.features.crosses = []
        let (layout, _) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        let plain = try OnnxModel.encoded(model)
        let sampled = try OnnxModel.encoded(model, calibration: Calibration(negativeSampling: 0.1))
        func contains(_ bytes: [UInt8], _ part: [UInt8]) -> Bool {
            bytes.count >= part.count && (0...(bytes.count - part.count)).contains { Array(bytes[$0..<($0 + part.count)]) == part }
        }
        let offset = withUnsafeBytes(of: Float(log(0.1)).bitPattern.littleEndian) { Array($0) }
        XCTAssertTrue(contains(sampled, Array("sampling_log_rate".utf8)))
        XCTAssertTrue(contains(sampled, Array("calibrated_logit".utf8)))
        XCTAssertTrue(contains(sampled, offset), "ln 0.1 as the initializer's raw data")
        XCTAssertFalse(contains(plain, Array("sampling_log_rate".utf8)))
    }
}
