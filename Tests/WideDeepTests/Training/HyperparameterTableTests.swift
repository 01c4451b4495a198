import Foundation
import XCTest
@testable import WideDeep

/// Every entry of the live hyperparameter table reaches the same value through the run config,
/// its saved form and a model.
final class HyperparameterTableTests: XCTestCase {
    /// Inside every entry's range and unlike every default.
    private let probe = 0.375

    func testEachEntryRoundTripsThroughTheConfig() throws {
        XCTAssertEqual(Hyperparameter.allCases.map(\.rawValue),
                       ["deep_lr", "dropout", "deep_l2", "embedding_l2", "ftrl_alpha", "ftrl_beta", "ftrl_l1", "ftrl_l2",
                        "wide_lr"])
        let defaults = RunConfig()
        for p in Hyperparameter.allCases {
            var config = defaults
            p.set(probe, in: &config)
            XCTAssertEqual(p.value(in: config), probe, p.rawValue)
            // The config path names where the value is in the saved (and YAML) form.
            let saved = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config))
            let stored = p.configPath.split(separator: ".").reduce(saved as Any?) { ($0 as? [String: Any])?[String($1)] }
            XCTAssertEqual(stored as? Double, probe, p.configPath)
            for other in Hyperparameter.allCases where other != p {
                XCTAssertEqual(other.value(in: config), other.value(in: defaults), "\(p) leaves \(other) alone")
            }
            XCTAssertEqual(defaults.applying(hyperparameters: [p.rawValue: probe]), config, p.rawValue)
            XCTAssertEqual(Hyperparameter(rawValue: p.rawValue), p)
        }
        XCTAssertEqual(defaults.applying(hyperparameters: ["no_such_key": 1]), defaults)
    }

    func testEachEntryRoundTripsThroughAModelThatHasIt() throws {
        // Which models have which entries, by the optimizers they were built with.
        let models: [(String, RunConfig, has: Set<String>)] = [
            ("wide-deep, FTRL wide", TinyModel.config(wide: .ftrl, deep: .adagrad),
             ["deep_lr", "dropout", "deep_l2", "embedding_l2", "ftrl_alpha", "ftrl_beta", "ftrl_l1", "ftrl_l2"]),
            ("wide-deep, AdaGrad wide", TinyModel.config(wide: .adagrad, deep: .adam),
             ["deep_lr", "dropout", "deep_l2", "embedding_l2", "wide_lr"]),
            ("wide only, SGD wide", TinyModel.config(wide: .sgd, deep: .adagrad, mode: .wide), ["wide_lr"]),
        ]
        for (name, base, has) in models {
            let (layout, _) = try TinyModel.load(base)
            for p in Hyperparameter.allCases {
                var config = base
                p.set(probe, in: &config)
                let model = WideDeepModel(layout: layout, config: config)
                let before = (model.wide?.optimizer, model.deepOptimizer.settings, model.regularization)
                let initial = p.value(in: model)
                p.set(0.5, in: model)
                guard has.contains(p.rawValue) else {
                    XCTAssertFalse(p.applies(to: model), "\(name): \(p)")
                    XCTAssertNil(p.value(in: model), "\(name): \(p)")
                    XCTAssertTrue(before == (model.wide?.optimizer, model.deepOptimizer.settings, model.regularization),
                                  "\(name): \(p) changes nothing")
                    continue
                }
                XCTAssertTrue(p.applies(to: model), "\(name): \(p)")
                XCTAssertEqual(initial, probe, "\(name): \(p) is read from where the config put it")
                XCTAssertEqual(p.value(in: model), 0.5, "\(name): \(p)")
                XCTAssertFalse(before == (model.wide?.optimizer, model.deepOptimizer.settings, model.regularization),
                               "\(name): \(p) changed")
                // Set on the model, the optimizers are those a config with the value builds.
                p.set(0.5, in: &config)
                let built = WideDeepModel(layout: layout, config: config)
                XCTAssertEqual(model.wide?.optimizer, built.wide?.optimizer, "\(name): \(p)")
                XCTAssertEqual(model.deepOptimizer.settings, built.deepOptimizer.settings, "\(name): \(p)")
                XCTAssertEqual(model.regularization, built.regularization, "\(name): \(p)")
            }
        }
    }
}
