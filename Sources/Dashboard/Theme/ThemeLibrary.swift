import Foundation

/// The themes available to a run: every `*.theme` file of a directory that parses, plus the
/// built-in default. Files that fail to parse are remembered with their error, so asking for one
/// by name explains why the default is shown instead.
public struct ThemeLibrary: Sendable {
    /// Usable themes, `default` first, then by name.
    public private(set) var themes: [Theme]
    /// Files that were refused, with file and line.
    public private(set) var problems: [ThemeError]

    /// Only the built-in default theme.
    public init() {
        themes = [Theme.builtinDefault]
        problems = []
    }

    public init(themes: [Theme], problems: [ThemeError] = []) {
        var all = themes
        if !all.contains(where: { $0.name == "default" }) { all.append(Theme.builtinDefault) }
        self.themes = all.sorted { lhs, rhs in
            if lhs.name == "default" || rhs.name == "default" { return lhs.name == "default" }
            return lhs.name < rhs.name
        }
        self.problems = problems
    }

    /// Loads every `*.theme` in `directory`. A missing directory gives just the built-in default
    /// (and a problem entry when a directory was named but is not there).
    public static func load(directory: String?) -> ThemeLibrary {
        guard let directory else { return ThemeLibrary() }
        let fileManager = FileManager.default
        guard let entries = try? fileManager.contentsOfDirectory(atPath: directory) else {
            return ThemeLibrary(themes: [], problems: [
                ThemeError(file: directory, line: 0, message: "theme directory not found; using the built-in default"),
            ])
        }
        var themes: [Theme] = []
        var problems: [ThemeError] = []
        for entry in entries.sorted() where entry.hasSuffix(".theme") {
            let path = (directory as NSString).appendingPathComponent(entry)
            let name = String(entry.dropLast(".theme".count))
            switch loadFile(path: path, name: name) {
            case .success(let theme): themes.append(theme)
            case .failure(let error): problems.append(error)
            }
        }
        return ThemeLibrary(themes: themes, problems: problems)
    }

    /// Reads and parses one theme file.
    public static func loadFile(path: String, name: String) -> Result<Theme, ThemeError> {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            return .failure(ThemeError(file: path, line: 0, message: "cannot read the file as UTF-8 text"))
        }
        do {
            return .success(try ThemeParser.parse(text, name: name, file: path))
        } catch {
            return .failure(error)
        }
    }

    public var names: [String] { themes.map(\.name) }

    /// The theme called `name`; when there is none, the default and a message saying why.
    public func theme(named name: String) -> (theme: Theme, warning: String?) {
        if let theme = themes.first(where: { $0.name == name }) { return (theme, nil) }
        let fallback = themes.first { $0.name == "default" } ?? Theme.builtinDefault
        if let problem = problems.first(where: { (($0.file as NSString).lastPathComponent) == name + ".theme" }) {
            return (fallback, "theme \(problem.shortDescription); using default")
        }
        return (fallback, "no theme named '\(name)' (have: \(names.joined(separator: ", "))); using default")
    }

    /// The theme after `name` in `names`, wrapping around.
    public func theme(after name: String) -> Theme {
        guard let index = themes.firstIndex(where: { $0.name == name }) else { return themes[0] }
        return themes[(index + 1) % themes.count]
    }
}
