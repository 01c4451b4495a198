import XCTest
@testable import WideDeep

final class StepProfileTests: XCTestCase {
    /// The profile counts the steps it watched and charges each phase that ran; a wide-only model
    /// runs no dense layers, so those phases stay at zero.
    func testChargesEveryPhaseThatRan() throws {
        for mode in [ModelMode.wideDeep, .wide] {
            let config = TinyModel.config(mode: mode)
            let (layout, data) = try TinyModel.load(config)
            let model = WideDeepModel(layout: layout, config: config)
            let profile = StepProfile()
            model.profile = profile
            for _ in 0..<5 { TinyModel.trainStep(model, data, rows: Array(0..<8)) }
            XCTAssertEqual(profile.steps, 5, "\(mode)")
            XCTAssertGreaterThan(profile.seconds[StepProfile.Phase.gather.rawValue], 0, "\(mode)")
            XCTAssertGreaterThan(profile.seconds[StepProfile.Phase.updates.rawValue], 0, "\(mode)")
            XCTAssertEqual(profile.total, profile.seconds.reduce(0, +))
            let dense = profile.seconds[StepProfile.Phase.denseBackward.rawValue]
            if mode == .wide { XCTAssertEqual(dense, 0) } else { XCTAssertGreaterThan(dense, 0) }
            // Prediction is not a training step: it charges nothing.
            let before = profile.seconds
            _ = model.predictAll(data, threads: 1)
            XCTAssertEqual(profile.seconds, before, "\(mode)")
        }
    }
}
