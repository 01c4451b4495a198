import Foundation
import WideDeep

/// What `wdl bench --json` prints: the machine, the settings and every figure. Keys are
/// snake_case, as in the metrics log.
public struct BenchReport: Encodable, Sendable {
    public var cpu: String
    public var features: [String]
    public var threads: Int
    public var batchSize: Int
    public var trainRows: Int
    public var validRows: Int
    public var figures: [Benchmark.Figure]
    /// The last wide & deep run's time per training step in each phase (snake_case names), in µs.
    public var stepMicrosecondsByPhase: [String: Double]?
    public var peakResidentMB: Double?
    /// How loaded the machine was while the figures were measured; nil where /proc is unreadable.
    public var machine: MachineLoad?

    public init(cpu: String, features: [String], threads: Int, batchSize: Int, trainRows: Int, validRows: Int,
                figures: [Benchmark.Figure], stepMicrosecondsByPhase: [String: Double]?, peakResidentMB: Double?,
                machine: MachineLoad?) {
        self.cpu = cpu
        self.features = features
        self.threads = threads
        self.batchSize = batchSize
        self.trainRows = trainRows
        self.validRows = validRows
        self.figures = figures
        self.stepMicrosecondsByPhase = stepMicrosecondsByPhase
        self.peakResidentMB = peakResidentMB
        self.machine = machine
    }

    enum CodingKeys: String, CodingKey {
        case cpu, features, threads, batchSize = "batch_size", trainRows = "train_rows", validRows = "valid_rows"
        case figures, stepMicrosecondsByPhase = "step_microseconds_by_phase", peakResidentMB = "peak_resident_mb"
        case machine
    }

    /// `denseForward` → `dense_forward`, for keys built from Swift names.
    public static func snakeCased(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                if !result.isEmpty { result.append("_") }
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
