import XCTest
@testable import WdlExport
@testable import WideDeep

/// The parts of the ONNX export that stand without ONNX Runtime (which `.ci/e2e-onnx.sh` and
/// `.ci/e2e-ecosystem.sh` run on exported models): which inputs a model's graph takes, multi-valued
/// fields included, and the model's header fields.
final class OnnxModelTests: XCTestCase {
    func testMultiValuedFieldsExportAsPaddedBags() throws {
        for mode in [ModelMode.wideDeep, .deep, .wide] {
            let config = TinyModel.config(mode: mode)
            let (layout, _) = try TinyModel.load(config)
            let bytes = try OnnxModel.encoded(WideDeepModel(layout: layout, config: config))
            let inputs = OnnxModel.inputs(layout, mode: mode)
            let names = inputs.map(\.name)
            XCTAssertEqual(names, (mode.hasWide ? ["wide_ids"] : [])
                           + (mode.hasDeep ? ["embedding_rows", "multi_rows_0", "multi_lengths_0", "numeric"] : []), "\(mode)")
            for name in names { XCTAssertTrue(contains(bytes, name), "\(mode): no input \(name) in the graph") }
            // Rows vary in width: the wide ids and the bag are [N, symbolic] with a padding id.
            XCTAssertEqual(inputs.first { $0.name == "wide_ids" }?.width, mode.hasWide ? .some(nil) : nil)
            XCTAssertEqual(inputs.first { $0.name == "multi_rows_0" }?.padding, mode.hasDeep ? layout.embeddingRows[1] : nil)
            XCTAssertEqual(contains(bytes, "Reciprocal"), mode.hasDeep, "the bag's mean is taken in the graph")
        }
    }

    func testSingleValuedModelsKeepFixedWidths() throws {
        var config = TinyModel.config()
        config.features.multiValued = [:]
        config.features.crosses = [["color", "x1"]]
        let (layout, _) = try TinyModel.load(config)
        let inputs = OnnxModel.inputs(layout, mode: .wideDeep)
        XCTAssertEqual(inputs.map(\.name), ["wide_ids", "embedding_rows", "numeric"])
        // color, x1's bucket, color x x1.
        XCTAssertEqual(inputs[0].width, 3)
        XCTAssertNil(inputs[0].padding)
    }

    private func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        return bytes.indices.contains { i in i + needle.count <= bytes.count && Array(bytes[i..<(i + needle.count)]) == needle }
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
