import Foundation
import XCTest
@testable import WideDeep

final class OptimConfigTests: XCTestCase {
    func testAnOptimizerOfTheOtherPartIsRefusedNamingTheKey() {
        let wide = thrownDescription { _ = try RunConfigLoader.parse("optim:\n  wide: {name: adam}\n", file: "w.yaml") }
        assertContains(wide, "w.yaml:2", "optim.wide.name", "ftrl, adagrad or sgd", "'adam'")
        let deep = thrownDescription { _ = try RunConfigLoader.parse("optim:\n  deep:\n    name: ftrl\n", file: "d.yaml") }
        assertContains(deep, "d.yaml:3", "optim.deep.name", "adagrad, adam, sgd or rmsprop", "'ftrl'")
        // A checkpoint's config is JSON: the coding path still names the key.
        let json = Data(#"{"optim": {"deep": {"name": "ftrl"}}}"#.utf8)
        let error = thrownDescription { _ = try JSONDecoder().decode(RunConfig.self, from: json) }
        assertContains(error, "optim", "deep", "name", "adagrad, adam, sgd or rmsprop")
    }

    /// A config saved by a checkpoint before the wide part had its own AdaGrad keys still loads,
    /// the new keys taking their defaults.
    func testAnOlderSavedConfigStillDecodes() throws {
        let json = Data("""
            {"optim": {"wide": {"name": "adagrad", "alpha": 0.05, "beta": 1, "l1": 0.1, "l2": 1, "lr": 0.3},
                       "deep": {"name": "adam", "lr": 0.01, "initial_accumulator": 0.2, "beta1": 0.8, "beta2": 0.99,
                                "epsilon": 1e-6}}}
            """.utf8)
        let config = try JSONDecoder().decode(RunConfig.self, from: json)
        XCTAssertEqual(config.optim.wide.settings, .adagrad(AdaGrad(learningRate: 0.3, initialAccumulator: 0.1, epsilon: 1e-7)))
        XCTAssertEqual(config.optim.deep.settings, .adam(Adam(learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6)))
    }

    func testTheSavedFormKeepsTheFileKeys() throws {
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(RunConfig())) as! [String: Any]
        let optim = encoded["optim"] as! [String: [String: Any]]
        XCTAssertEqual(Set(optim["wide"]!.keys), ["name", "alpha", "beta", "l1", "l2", "lr", "initial_accumulator", "epsilon"])
        XCTAssertEqual(Set(optim["deep"]!.keys), ["name", "lr", "initial_accumulator", "beta1", "beta2", "epsilon", "l2",
                                                  "embedding_l2"])
        XCTAssertEqual(optim["wide"]!["name"] as? String, "ftrl")
        XCTAssertEqual(optim["deep"]!["name"] as? String, "adagrad")
    }
}
