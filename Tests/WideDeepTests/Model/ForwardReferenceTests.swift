import Foundation
import XCTest
@testable import WideDeep

/// The model's forward pass against a plain Double re-implementation (`ReferenceForward`).
final class ForwardReferenceTests: XCTestCase {
    func testPredictMatchesReferenceInEveryMode() throws {
        for mode in ModelMode.allCases {
            let config = TinyModel.config(wide: .ftrl, deep: .adagrad, lr: 0.1, mode: mode)
            let (layout, data) = try TinyModel.load(config)
            let model = WideDeepModel(layout: layout, config: config)
            for _ in 0..<5 { TinyModel.trainStep(model, data, rows: [0, 1, 2, 3, 4, 5, 6, 7]) }
            if let wide = model.wide {
                XCTAssertTrue((0..<wide.size).contains { wide.weight($0) != 0 }, "\(mode): wide weights moved")
            }
            let expected = ReferenceForward.run(model, data, rows: Array(0..<Int32(data.count))).logits
            for threads in [1, 2] {
                let logits = model.predictAll(data, batchSize: 3, threads: threads)
                for r in 0..<data.count {
                    XCTAssertEqual(Double(logits[r]), expected[r], accuracy: 1e-5 * max(1, abs(expected[r])), "\(mode) row \(r)")
                }
            }
        }
    }

    /// The numerics the deep part sees: (x − mean)/deviation with the training mean and the
    /// population deviation. x1 = 1, 2, 0.5, 3, −1, 2.5, 0, 1.5: mean = 9.5/8 = 1.1875;
    /// Σx² = 1 + 4 + 0.25 + 9 + 1 + 6.25 + 0 + 2.25 = 23.75; variance = 23.75/8 − 1.1875² = 2.96875 − 1.41015625
    /// = 1.55859375; deviation = 1.2484365.
    func testEncodedNumericsAreStandardized() throws {
        let (layout, data) = try TinyModel.load(TinyModel.config())
        XCTAssertEqual(layout.numeric[0].mean, 1.1875, accuracy: 1e-12)
        XCTAssertEqual(layout.numeric[0].deviation, 1.55859375.squareRoot(), accuracy: 1e-12)
        // Row 3: x1 = 3 → (3 − 1.1875)/1.2484365 = 1.4518157.
        XCTAssertEqual(Double(data.numeric[3 * 2]), (3 - 1.1875) / 1.55859375.squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(data.numericCount, 2)
    }
}
