/// A problem with an input file, naming the file and, where it applies, the line and column.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    /// 1-based line number in the file (the header is line 1 of a CSV).
    public var line: Int?
    /// The column's name (CSV header or Criteo's I1…I13, C1…C26), where one is at fault.
    public var column: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// One line, terminal-safe: the file name, column and message (which may quote a value) are
    /// escaped and cut (`TerminalSafe`).
    public var description: String {
        var text = TerminalSafe.escape(file)
        if let line { text += ":\(line)" }
        text += ": "
        if let column { text += "column '\(TerminalSafe.escape(column))': " }
        return text + TerminalSafe.escape(message, maxCharacters: 1000)
    }
}
