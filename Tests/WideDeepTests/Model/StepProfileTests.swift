import Foundation
import XCTest
@testable import WideDeep

final class StepProfileTests: XCTestCase {
    /// The profile counts the steps it watched and charges each phase that ran, and only while a
    /// step runs; a wide-only model runs no dense layers, so those phases stay at zero.
    func testChargesEveryPhaseThatRan() throws {
        for mode in [ModelMode.wideDeep, .wide] {
            let config = TinyModel.config(mode: mode)
            let (layout, data) = try TinyModel.load(config)
            let model = WideDeepModel(layout: layout, config: config)
            let profile = StepProfile()
            model.profile = profile
            // Each step timed from outside, with pauses between steps that no phase may be
            // charged for: the phases together fit inside the steps' own time.
            var outside = 0.0
            for _ in 0..<5 {
                usleep(20_000)
                let start = DispatchTime.now().uptimeNanoseconds
                TinyModel.trainStep(model, data, rows: Array(0..<8))
                outside += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }
            XCTAssertEqual(profile.steps, 5, "\(mode)")
            XCTAssertGreaterThan(profile.seconds[StepProfile.Phase.gather.rawValue], 0, "\(mode)")
            XCTAssertGreaterThan(profile.seconds[StepProfile.Phase.updates.rawValue], 0, "\(mode)")
            XCTAssertTrue(profile.seconds.allSatisfy { $0 >= 0 }, "\(mode): \(profile.seconds)")
            XCTAssertLessThanOrEqual(profile.total, outside, "\(mode): \(profile.seconds)")
            let dense = profile.seconds[StepProfile.Phase.denseBackward.rawValue]
            if mode == .wide { XCTAssertEqual(dense, 0) } else { XCTAssertGreaterThan(dense, 0) }
            // Prediction is not a training step: it charges nothing.
            let before = profile.seconds
            _ = model.predictAll(data, threads: 1)
            XCTAssertEqual(profile.seconds, before, "\(mode)")
        }
    }
}
