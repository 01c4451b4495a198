import Foundation
import WideDeep
import WDLTestSupport
import XCTest

/// The sample runs' models, trained once per test process (1 epoch each, checkpoints kept in a
/// temporary folder): the Adult CSV model and the standard Criteo-layout model.
enum TrainedModels {
    struct Run: Sendable {
        /// The run's checkpoint folder (step-N and final).
        let directory: String
        var final: String { directory + "/final.safetensors" }
        let validation: String
    }

    private static let folder = try! TemporaryFolder()

    static let adult: Run = train("adult", config: "sample-data/adult/adult.yaml", every: 40)
    static let criteo: Run = train("ctr", config: "sample-data/ctr/ctr.yaml", every: nil)

    private static func train(_ name: String, config path: String, every: Int?) -> Run {
        var config = try! RunConfigLoader.load(path: TestPaths.path(path))
        config.train.epochs = 1
        config.train.evalEvery = 0
        var options = SessionOptions()
        options.checkpointDirectory = folder.path(name)
        options.checkpointEvery = every
        let session = TrainingSession(config: config, options: options)
        session.start()
        session.waitUntilFinished()
        precondition(session.snapshot.state == .finished, "training \(name) did not finish: \(session.snapshot.stateDetail ?? "")")
        // Rows the model never trained on: the validation file, or the Adult configs' test file.
        return Run(directory: folder.path(name), validation: (config.data.valid ?? config.data.test)!)
    }

    /// A data file's rows as column → text (a plain split: the sample files have no quotes).
    static func rows(of path: String, delimiter: Character, header given: [String]? = nil) throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: delimiter, omittingEmptySubsequences: false).map(String.init) }
        let header = given ?? lines.removeFirst()
        return (header, lines)
    }
}
