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

    public var description: String {
        switch (file, line) {
        case let (file?, line?): "\(file):\(line): \(message)"
        case let (file?, nil): "\(file): \(message)"
        default: message
        }
    }
}
