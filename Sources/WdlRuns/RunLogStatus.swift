import Foundation
import WideDeep

/// Where a logged run stands, as far as its metrics log tells.
public enum RunLogStatus: Sendable, Equatable {
    /// The log ends with the run's final record.
    case finished
    /// No final record yet, and the file changed recently: the run is taken to be going on.
    case growing
    /// No final record, and the file has been quiet for longer than the run ever was between
    /// two lines (or a minute): the run stopped without ending normally.
    case endedWithoutFinal
    /// The log's `end` line says the run is over without a final record: `diverged`, `failed`.
    case ended(String)

    /// The shortest quiet spell taken as the end of a run.
    public static let minimumQuiet: Double = 60

    public init(log: RunLog, lastModified: Date, now: Date) {
        if log.final != nil {
            self = .finished
        } else if let ending = log.ending {
            self = .ended(ending.state)
        } else {
            let quiet = now.timeIntervalSince(lastModified)
            self = quiet <= RunLogStatus.quietLimit(for: log) ? .growing : .endedWithoutFinal
        }
    }

    /// How long a file may stay unchanged before its run is taken to have stopped: twice the
    /// longest gap between two of its lines, at least `minimumQuiet`.
    public static func quietLimit(for log: RunLog) -> Double {
        max(minimumQuiet, 2 * log.longestGap)
    }
}
