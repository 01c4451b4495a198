import Foundation
import XCTest
@testable import WideDeep
@testable import Dashboard
import WDLTestSupport
@testable import WdlControl

/// `wdl attach` accepts from a server only what `ReceivedSnapshotCheck` lets through
/// (docs/control-protocol.md, "What a client accepts"): the dashboard must draw every value at
/// those bounds without trapping, whatever the panel, size or state.
final class AttachedExtremesTests: XCTestCase {
    /// Snapshots at the edges of what the client accepts.
    private func extremes() -> [(String, TrainingSnapshot)] {
        let most = ReceivedSnapshotCheck.maxCount
        var big = SnapshotFixtures.running()
        big.step = most
        big.epoch = most
        big.totalEpochs = most
        big.examplesSeen = most
        big.examplesAtStart = 0
        big.totalExamples = most
        big.batchSize = most
        big.trainingSeconds = ReceivedSnapshotCheck.maxSeconds
        big.elapsedSeconds = ReceivedSnapshotCheck.maxSeconds
        big.examplesPerSecond = ReceivedSnapshotCheck.rateRange.upperBound
        big.skippedRows = most
        big.checkpointsSaved = most
        big.trainLoss = [LossPoint(step: 0, examples: 0, loss: 0), LossPoint(step: most / 2, examples: most / 2, loss: .greatestFiniteMagnitude),
                         LossPoint(step: most - 1, examples: most - 1, loss: .nan), LossPoint(step: most, examples: most, loss: .infinity)]
        let huge = EvaluationMetrics(count: most, logloss: .greatestFiniteMagnitude, auc: .nan, accuracy: 1, meanPrediction: 0,
                                     positiveRate: 1)
        big.validation = [ValidationPoint(step: 0, epoch: 0, examples: 0, metrics: huge),
                          ValidationPoint(step: most, epoch: most, examples: most, metrics: huge)]
        big.best = big.validation.last
        big.wide = WideStatistics(nonzero: most, touched: most, total: most,
                                  groups: [WideGroupStatistics(name: "g", nonzero: 0, touched: most)],
                                  sparsityHistory: [0, 1, 0, 1], bias: -.greatestFiniteMagnitude)
        big.embeddings = [EmbeddingFieldStatistics(field: "a", rows: most, rowsTouched: most, meanNorm: .greatestFiniteMagnitude,
                                                   maxNorm: .infinity, normPercentiles: [0, 0, 0, 0, .greatestFiniteMagnitude]),
                          EmbeddingFieldStatistics(field: "b", rows: 1, rowsTouched: 1, meanNorm: .nan, maxNorm: .nan,
                                                   normPercentiles: Array(repeating: 1e-320, count: 5))]
        big.dense = [DenseLayerStatistics(name: "dense0", inputs: most, outputs: most, weightNorm: .greatestFiniteMagnitude,
                                          gradientNorm: .infinity, deadFraction: 1)]
        big.hyperparameters = big.hyperparameters.enumerated().map { i, value in
            HyperparameterValue(parameter: value.parameter, value: i % 2 == 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude)
        }
        big.markers = [RunMarker(examples: most, step: most, kind: .checkpoint)]
        big.events = [RunEvent(step: most, seconds: ReceivedSnapshotCheck.maxSeconds, kind: .info, message: "far")]

        // The slowest rate accepted, with the most examples left: the longest time left.
        var slow = SnapshotFixtures.running()
        slow.examplesSeen = 0
        slow.examplesAtStart = 0
        slow.totalExamples = most
        slow.trainingSeconds = 4
        slow.examplesPerSecond = ReceivedSnapshotCheck.rateRange.lowerBound
        var slowAverage = slow
        slowAverage.trainingSeconds = Double(1) / ReceivedSnapshotCheck.rateRange.lowerBound
        slowAverage.examplesSeen = 1
        // A resumed run rolled back below where the session started: a negative average, not a rate.
        var rolledBack = SnapshotFixtures.running()
        rolledBack.examplesAtStart = most
        rolledBack.examplesSeen = 0
        rolledBack.trainingSeconds = 1e4
        rolledBack.state = .finished
        var finished = big
        finished.state = .finished
        var diverged = big
        diverged.state = .diverged
        diverged.stateDetail = "far"
        return [("largest", big), ("slowest", slow), ("slowest average", slowAverage), ("finished", finished),
                ("diverged", diverged), ("rolled back", rolledBack)]
    }

    func testValuesAtTheAcceptedBoundsAreDrawnWithoutTrapping() throws {
        let themes = ThemeLibrary.load(directory: TestPaths.themesDirectory)
        for (name, snapshot) in extremes() {
            XCTAssertNoThrow(try ReceivedSnapshotCheck.check(snapshot), "\(name): the client accepts it")
            for (columns, rows) in [(80, 24), (120, 40), (200, 60)] {
                let run = FakeAttachedRun(snapshot: snapshot, readOnly: true)
                let terminal = InMemoryTerminal(columns: columns, rows: rows)
                var options = DashboardOptions(themeName: "default")
                options.attached = true
                options.readOnly = true
                let app = DashboardApp(control: run, terminal: terminal, themes: themes, options: options, clock: { 100 })
                app.render()
                XCTAssertFalse(terminal.text.isEmpty, "\(name) at \(columns)×\(rows)")
            }
        }
    }

    /// A real server whose run publishes a NaN rate (sent as "NaN", the protocol's own spelling):
    /// the attached dashboard keeps the last good state and says why the connection ended.
    func testAnUnbelievableUpdateIsShownAsConnectionLost() throws {
        let path = "/tmp/wdl-dt-\(UUID().uuidString.prefix(8)).sock"
        let control = FakeTrainingControl(snapshot: SnapshotFixtures.running())
        let server = try ControlServer(path: path, control: control)
        defer { server.stop() }
        let client = try ControlClient(path: path, client: "dashboard test", readOnly: true)
        defer { client.detach() }
        let terminal = InMemoryTerminal(columns: 200, rows: 60)
        var options = DashboardOptions(themeName: "default")
        options.attached = true
        options.readOnly = true
        let app = DashboardApp(control: client, terminal: terminal, themes: ThemeLibrary.load(directory: TestPaths.themesDirectory),
                               options: options, clock: { 100 })
        var broken = control.snapshot
        broken.examplesPerSecond = .nan
        control.snapshot = broken
        wait("the client gives up") { client.connection != .connected }
        app.render()
        XCTAssertTrue(terminal.text.contains("connection lost: control protocol: examplesPerSecond is nan"), terminal.text)
        XCTAssertEqual(client.snapshot.examplesPerSecond, SnapshotFixtures.running().examplesPerSecond, "the last good state")
    }
}
