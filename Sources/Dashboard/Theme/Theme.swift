/// A colour theme: one colour per role, or the monochrome look (attributes only).
public struct Theme: Equatable, Sendable {
    /// The file name without `.theme` (`default` for the built-in one).
    public var name: String
    /// True for a theme that uses no colour at all, only bold, dim and reverse.
    public var monochrome: Bool
    private var colors: [ThemeColor]

    /// A theme with every role set to `color`.
    public init(name: String, monochrome: Bool = false, filling color: ThemeColor = .terminalDefault) {
        self.name = name
        self.monochrome = monochrome
        colors = Array(repeating: color, count: ColorRole.allCases.count)
    }

    public subscript(role: ColorRole) -> ThemeColor {
        get { colors[role.rawValue] }
        set { colors[role.rawValue] = newValue }
    }

    /// The built-in dark theme: used when `themes/` cannot be found, and the source of every key
    /// a theme file leaves out. `themes/default.theme` holds the same values (a test checks).
    public static let builtinDefault: Theme = {
        do {
            return try ThemeParser.parse(BuiltinTheme.defaultSource, name: "default",
                                         file: "<built-in default>", base: nil)
        } catch {
            preconditionFailure("the built-in default theme must parse: \(error)")
        }
    }()
}

/// Why a theme file was refused: the file, the 1-based line and what is wrong there.
public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem is the file as a whole (e.g. it cannot be read).
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }

    /// The same with only the file's name, for the one-line footer.
    public var shortDescription: String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return line > 0 ? "\(name):\(line): \(message)" : "\(name): \(message)"
    }
}
