import Foundation
import XCTest
import SafeTensors
@testable import WideDeep
import WDLTestSupport

/// The model's one declaration of its state (`ParameterTable`) and the consumers that read it.
final class ParameterTableTests: XCTestCase {
    /// The tiny model (fields color and tags, dim 3, 8 inputs, hidden [5, 4]) with FTRL and Adam:
    /// every tensor written out by hand, in the table's order, with shape, dtype, part and role.
    func testTheTableListsEveryTensorWithItsShapeDtypePartAndRole() throws {
        let config = TinyModel.config(wide: .ftrl, deep: .adam)
        let (layout, _) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        let rows = layout.embeddingRows
        XCTAssertEqual(layout.deepInputWidth, 2 * 3 + 2)
        struct Row: Equatable {
            var name: String, shape: [Int], dtype: ParameterDType, part: ParameterPart, role: ParameterRole
        }
        let moments = { (name: String, shape: [Int], part: ParameterPart) in
            [Row(name: name + ".adam_m", shape: shape, dtype: .f32, part: part, role: .optimizerState(.real)),
             Row(name: name + ".adam_v", shape: shape, dtype: .f32, part: part, role: .optimizerState(.nonNegative))]
        }
        var expected = [
            Row(name: "wide.ftrl_z", shape: [65], dtype: .f32, part: .wide, role: .optimizerState(.real)),
            Row(name: "wide.ftrl_n", shape: [65], dtype: .f32, part: .wide, role: .optimizerState(.nonNegative)),
            Row(name: "wide.group_of", shape: [64], dtype: .u16, part: .wide, role: .bookkeeping),
        ]
        for (f, field) in ["color", "tags"].enumerated() {
            let part = ParameterPart.embedding(field: field)
            expected.append(Row(name: "deep.embedding.\(field)", shape: [rows[f], 3], dtype: .f32, part: part, role: .weight))
            expected += moments("deep.embedding.\(field)", [rows[f], 3], part)
            expected.append(Row(name: "deep.embedding.\(field).touched", shape: [rows[f]], dtype: .u8, part: part,
                                role: .bookkeeping))
        }
        for (layer, inputs, outputs) in [("dense0", 8, 5), ("dense1", 5, 4), ("logit", 4, 1)] {
            let part = ParameterPart.dense(layer: layer)
            expected.append(Row(name: "deep.\(layer).weight", shape: [inputs, outputs], dtype: .f32, part: part, role: .weight))
            expected += moments("deep.\(layer).weight", [inputs, outputs], part)
            expected.append(Row(name: "deep.\(layer).bias", shape: [outputs], dtype: .f32, part: part, role: .weight))
            expected += moments("deep.\(layer).bias", [outputs], part)
        }
        let actual = model.parameters.entries.map {
            Row(name: $0.name, shape: $0.shape, dtype: $0.dtype, part: $0.part, role: $0.role)
        }
        XCTAssertEqual(actual.map(\.name), expected.map(\.name))
        for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e) }
        XCTAssertEqual(model.parameters["deep.embedding.tags"]?.access, .sparseRows(dim: 3))
        XCTAssertEqual(model.parameters["wide.ftrl_n"]?.access, .perCoordinate)
        XCTAssertEqual(model.parameters["deep.logit.bias"]?.access, .dense)
        // Every value read through the table has the declared size.
        for entry in model.parameters.entries { XCTAssertEqual(entry.read().count, entry.count, entry.name) }
    }

    /// AdaGrad and SGD on the wide part store the weights themselves; SGD keeps no accumulator
    /// and the deep SGD no state at all.
    func testTheWidePartsNamesFollowItsOptimizer() throws {
        let expectations: [(WideOptimizerName, [String])] = [
            (.ftrl, ["wide.ftrl_z", "wide.ftrl_n", "wide.group_of"]),
            (.adagrad, ["wide.weight", "wide.adagrad_accumulator", "wide.group_of"]),
            (.sgd, ["wide.weight", "wide.group_of"]),
        ]
        for (wide, names) in expectations {
            let config = TinyModel.config(wide: wide, deep: .sgd)
            let (layout, _) = try TinyModel.load(config)
            let model = WideDeepModel(layout: layout, config: config)
            XCTAssertEqual(model.parameters.entries.filter { $0.part == .wide }.map(\.name), names, "\(wide)")
            XCTAssertTrue(model.parameters.deepOptimizerState.isEmpty)
        }
    }

    /// Writing through the table and reading back gives the values written, and `restoreState`
    /// of a captured state after training restores every tensor bit for bit.
    func testCaptureAndRestoreGoThroughTheTable() throws {
        let config = TinyModel.config(wide: .ftrl, deep: .adagrad, lr: 0.1)
        let (layout, data) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        TinyModel.trainStep(model, data, rows: [0, 1, 2, 3])
        let saved = model.captureState()
        TinyModel.trainStep(model, data, rows: [4, 5, 6, 7])
        XCTAssertNotEqual(model.captureState().floats, saved.floats)
        try model.restoreState(saved)
        let restored = model.captureState()
        XCTAssertEqual(restored.floats, saved.floats)
        XCTAssertEqual(restored.uint16, saved.uint16)
        XCTAssertEqual(restored.uint8, saved.uint8)
        XCTAssertEqual(restored.shapes["deep.dense0.weight.adagrad_accumulator"], [8, 5])
        // A state missing one tensor is refused before anything changes.
        var partial = saved
        partial.floats["deep.logit.bias.adagrad_accumulator"] = nil
        XCTAssertThrowsError(try model.restoreState(partial)) { error in
            XCTAssertEqual(error as? WideDeepModel.StateError, .missing("deep.logit.bias.adagrad_accumulator"))
        }
    }

    /// A checkpoint's tensors are saved with the table's shapes: an optimizer state tensor has its
    /// parameter's shape ([rows, dim], [in, out]), bookkeeping is flat.
    func testACheckpointSavesTheTablesShapes() throws {
        let folder = try TemporaryFolder()
        let config = TinyModel.config(wide: .ftrl, deep: .adam)
        let (layout, data) = try TinyModel.load(config)
        let model = WideDeepModel(layout: layout, config: config)
        let request = CheckpointRequest(
            directory: folder.path("ck"), name: "s", state: model.captureState(), layout: layout, config: config,
            step: 0, epoch: 0, examples: 0, generator: SeededGenerator(seed: 1),
            position: DataPosition(epochOffset: 0, epochStartGenerator: SeededGenerator(seed: 2)),
            hyperparameters: [], events: [], wideNames: data.wideNames)
        let file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: try Checkpoint.save(request)))
        let rows = layout.embeddingRows[0]
        XCTAssertEqual(try file.tensor(named: "deep.embedding.color.adam_v").shape, [rows, 3])
        XCTAssertEqual(try file.tensor(named: "deep.dense1.weight.adam_m").shape, [5, 4])
        XCTAssertEqual(try file.tensor(named: "deep.dense1.bias.adam_m").shape, [4])
        XCTAssertEqual(try file.tensor(named: "deep.embedding.color.touched").shape, [rows])
        XCTAssertEqual(try file.tensor(named: "wide.group_of").dtype, .u16)
        XCTAssertEqual(Set(file.names), Set(model.parameters.names))
    }
}
