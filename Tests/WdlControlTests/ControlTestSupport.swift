import Foundation
import Synchronization
import XCTest
@testable import WdlControl
@testable import WideDeep
import WDLTestSupport

/// A run stand-in for the server: a snapshot the test sets, and every command with its source.
final class RecordingControl: TrainingControl {
    private let state: Mutex<(snapshot: TrainingSnapshot, commands: [(TrainingCommand, CommandSource?)])>

    init(snapshot: TrainingSnapshot = ControlFixtures.snapshot()) { state = Mutex((snapshot, [])) }

    func send(_ command: TrainingCommand) { state.withLock { $0.commands.append((command, nil)) } }
    func send(_ command: TrainingCommand, from source: CommandSource) {
        state.withLock { $0.commands.append((command, source)) }
    }

    var snapshot: TrainingSnapshot {
        get { state.withLock { $0.snapshot } }
        set { state.withLock { $0.snapshot = newValue } }
    }

    func change(_ body: (inout TrainingSnapshot) -> Void) { state.withLock { body(&$0.snapshot) } }

    var commands: [(TrainingCommand, CommandSource?)] { state.withLock { $0.commands } }
}

/// A client speaking the protocol by hand, line by line, to test the server's answers to
/// anything (including what `ControlClient` would never send).
final class RawClient {
    let socket: UnixSocket
    private var buffer = LineBuffer(maxLine: ControlWire.maxServerLine)

    init(_ path: String) throws { socket = try UnixSocket.connect(to: path) }

    func send(_ text: String) { _ = socket.writeAll(Array(text.utf8)) }
    func send(_ bytes: [UInt8]) { _ = socket.writeAll(bytes) }
    func send(_ message: ClientMessage) { _ = socket.writeAll(try! ControlWire.line(message)) }

    func hello(readOnly: Bool = false, version: Int = ControlWire.version) {
        send(.hello(version: version, client: "raw test client", readOnly: readOnly))
    }

    /// The next message, or nil when the server closed the connection (or a minute passed).
    func next() -> ServerMessage? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            switch buffer.next() {
            case .line(let line): return try? ControlWire.decode(ServerMessage.self, from: line)
            case .tooLong: return nil
            case .needMore: break
            }
            var fds = [pollfd(fd: socket.fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 100) > 0 else { continue }
            guard case .bytes(let count) = socket.read(into: &chunk) else { return nil }
            buffer.append(chunk[..<count])
        }
        return nil
    }

    /// Skips updates until another kind of message (or the end).
    func nextAnswer() -> ServerMessage? {
        while let message = next() {
            if case .update = message { continue }
            return message
        }
        return nil
    }

    /// True when the server has closed the connection (after any messages still queued).
    func isClosedByServer() -> Bool {
        while let message = next() { _ = message }
        return true
    }
}

enum ControlFixtures {
    /// A snapshot with every field set away from its default.
    static func snapshot() -> TrainingSnapshot {
        var s = TrainingSnapshot()
        s.runName = "fixture"
        s.dataDescription = "adult (csv) 100 train / 50 valid rows"
        s.mode = .wide
        s.state = .running
        s.stateDetail = "detail"
        s.epoch = 1
        s.totalEpochs = 3
        s.step = 40
        s.examplesSeen = 2000
        s.examplesAtStart = 100
        s.totalExamples = 6000
        s.totalExamplesIsEstimate = true
        s.batchSize = 50
        s.trainingSeconds = 1.25
        s.elapsedSeconds = 2.5
        s.examplesPerSecond = 1600.5
        s.loading = LoadingProgress(file: "train.csv", rowsRead: 10, rowsSkipped: 1, fraction: 0.5)
        s.trainLoss = (1...40).map { LossPoint(step: $0, examples: $0 * 50, loss: 0.7 - Double($0) / 1000) }
        s.validation = [ValidationPoint(step: 40, epoch: 1, examples: 2000, metrics: metrics(0.5))]
        s.wide = WideStatistics(nonzero: 5, touched: 9, total: 4096, groups: [WideGroupStatistics(name: "a", nonzero: 2, touched: 3)],
                                sparsityHistory: [0.1, 0.2], bias: -0.3)
        s.embeddings = [EmbeddingFieldStatistics(field: "a", rows: 12, rowsTouched: 10, meanNorm: 0.4, maxNorm: 0.9,
                                                 normPercentiles: [0.1, 0.2, 0.3, 0.4, 0.5])]
        s.dense = [DenseLayerStatistics(name: "hidden 1", inputs: 9, outputs: 8, weightNorm: 1.5, gradientNorm: 0.01, deadFraction: 0.25),
                   DenseLayerStatistics(name: "output", inputs: 8, outputs: 1, weightNorm: 0.5, gradientNorm: 0.02, deadFraction: nil)]
        s.statisticsStep = 39
        s.hyperparameters = [HyperparameterValue(parameter: .deepLearningRate, value: 0.05)]
        s.markers = [RunMarker(examples: 1000, step: 20, kind: .hyperparameter)]
        s.events = [RunEvent(step: 0, seconds: 0.1, kind: .info, message: "started \"quoted\"\nnewline ✓")]
        s.skippedRows = 2
        s.checkpointsSaved = 1
        s.hasUnsavedProgress = true
        s.checkpointDirectory = "/tmp/ck"
        s.best = s.validation.first
        s.bestMetric = .auc
        s.bestCheckpoint = "/tmp/ck/best.safetensors"
        s.restoredBest = true
        s.canRollBack = true
        s.lastChanged = .ftrlAlpha
        return s
    }

    static func metrics(_ loss: Double) -> EvaluationMetrics {
        EvaluationMetrics(count: 50, logloss: loss, auc: 0.8, accuracy: 0.75, meanPrediction: 0.3, positiveRate: 0.25)
    }
}

extension XCTestCase {
    /// A socket path in a fresh temporary folder (short: socket addresses hold 107 bytes).
    func socketPath(_ name: String = "run.sock") throws -> String {
        let folder = URL(fileURLWithPath: "/tmp/wdl-ct-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder.appendingPathComponent(name).path
    }

    /// The snapshot's JSON, to compare snapshots whole (`TrainingSnapshot` is not Equatable).
    func wire(_ snapshot: TrainingSnapshot) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try! encoder.encode(snapshot), as: UTF8.self)
    }
}
