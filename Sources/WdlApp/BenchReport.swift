import Foundation
import WideDeep

/// What `wdl bench --json` prints: the machine, the settings and every figure.
public struct BenchReport: Encodable, Sendable {
    public var cpu: String
    public var features: [String]
    public var threads: Int
    public var batchSize: Int
    public var trainRows: Int
    public var validRows: Int
    public var figures: [Benchmark.Figure]
    /// The last wide & deep run's time per training step in each phase, in µs.
    public var stepMicrosecondsByPhase: [String: Double]?
    public var peakResidentMB: Double

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
