/// A problem with the run config, naming the file, the line where known, and the key.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public var file: String?
    public var line: Int?
    public var message: String
    /// The config key a value check refused (`train.epochs`), so a flag's caller can name the flag.
    public var key: String?

    public init(file: String? = nil, line: Int? = nil, key: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// One line, terminal-safe (`TerminalSafe`): a YAML error may quote a long or hostile line.
    public var description: String {
        let message = TerminalSafe.escape(self.message, maxCharacters: 1000)
        switch (file.map { TerminalSafe.escape($0) }, line) {
        case let (file?, line?): return "\(file):\(line): \(message)"
        case let (file?, nil): return "\(file): \(message)"
        default: return message
        }
    }
}
