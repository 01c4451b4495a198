import WdlRuns
import WideDeep

/// One run as the viewer shows it: its log, the name telling it apart, where it stands, and the
/// colour and glyph that mark it on the charts (the glyph so that runs read apart in monochrome).
public struct ViewedRun: Sendable {
    public var log: RunLog
    public var name: String
    public var status: RunLogStatus
    /// Lines added later that could not be read, the newest last.
    public var problems: [DataError]
    /// Why the file could not be read at the last look, if it could not.
    public var readError: DataError?
    /// The config settings in which this run differs from the others shown with it.
    public var configDifference: String

    public init(log: RunLog, name: String, status: RunLogStatus, problems: [DataError] = [],
                readError: DataError? = nil, configDifference: String = "") {
        self.log = log
        self.name = name
        self.status = status
        self.problems = problems
        self.readError = readError
        self.configDifference = configDifference
    }

    /// Theme roles for runs 1, 2, 3…, repeating after the last; all are series or state colours
    /// every theme defines.
    static let colors: [ColorRole] = [.validation, .trainSmoothed, .good, .marker, .bad, .auc, .title, .text, .dimText]
    /// A glyph per run (nine runs have keys); single-column characters.
    static let glyphs: [Unicode.Scalar] = ["◆", "●", "▲", "■", "✚", "★", "◇", "○", "△"]

    static func color(of index: Int) -> ColorRef { .role(colors[index % colors.count]) }
    static func glyph(of index: Int) -> Unicode.Scalar { glyphs[index % glyphs.count] }

    /// The state as the table names it.
    var stateText: String {
        if readError != nil { return "unreadable" }
        switch status {
        case .finished: return "finished"
        case .growing: return "following"
        case .endedWithoutFinal: return "no final record"
        case .ended(let state): return state
        }
    }
}
