import Foundation
import Yams

/// Reads a run config from YAML with Yams, refusing keys that do not exist (with the line and the
/// keys that do), and reporting type errors with the line of the offending value.
public enum RunConfigLoader {
    /// Keys each section accepts (the schema's, then its nested sections). `features.buckets`
    /// and `features.multi_valued` take column names.
    static let knownKeys: [String: [String]] = Dictionary(uniqueKeysWithValues: ConfigSchema.sections.map { section in
        let nested = ConfigSchema.sections.filter { child in
            child != section && !child.isEmpty && child.hasPrefix(section.isEmpty ? "" : section + ".")
                && !child.dropFirst(section.isEmpty ? 0 : section.count + 1).contains(".")
        }
        let names = nested.map { String($0.split(separator: ".").last!) }
        return (section, ConfigSchema.keys(in: section).map(\.name) + names)
    })

    /// Loads `path`; relative data paths and `train.tensorboard` in it are resolved against the
    /// file's folder.
    public static func load(path: String) throws -> RunConfig {
        if let problem = InputFile.problem(with: path) {
            throw ConfigError(file: path, problem == "file not found" ? "config file not found" : problem)
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ConfigError(file: path, "cannot read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, "not UTF-8 text")
        }
        var config = try parse(text, file: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        config.data.train = config.data.train.map { resolveData($0, against: folder) }
        config.data.valid = config.data.valid.map { resolveData($0, against: folder) }
        config.data.test = config.data.test.map { resolveData($0, against: folder) }
        config.train.tensorboard = config.train.tensorboard.map { resolve($0, against: folder) }
        return config
    }

    /// Parses YAML text (`file` only names the source in messages).
    public static func parse(_ text: String, file: String = "config") throws -> RunConfig {
        let composed: Node?
        do { composed = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw ConfigError(file: file, line: yamlErrorLine(error), "not valid YAML: \(yamlProblem(error))")
        }
        guard let composed else { return RunConfig() }
        guard composed.mapping != nil else {
            throw ConfigError(file: file, line: composed.mark?.line, "the config must be a mapping of sections (data, features, model, optim, train)")
        }
        try refuseComplexKeys(composed, file: file)
        let node = plainKeys(composed)
        try checkKeys(node, section: "", file: file)
        let config: RunConfig
        do {
            config = try YAMLDecoder().decode(RunConfig.self, from: node)
        } catch let error as DecodingError {
            throw describe(error, root: node, file: file)
        }
        try checkCrosses(config, root: node, file: file)
        return config
    }

    /// A data path (`InputParts`): standard input stays `-`; each item of a comma-separated list
    /// is resolved on its own (unless the whole string names a file).
    private static func resolveData(_ path: String, against folder: URL) -> String {
        guard path != "-" else { return path }
        let whole = resolve(path, against: folder)
        guard path.contains(","), !FileManager.default.fileExists(atPath: whole) else { return whole }
        return path.split(separator: ",", omittingEmptySubsequences: false).map { resolve(String($0), against: folder) }
            .joined(separator: ",")
    }

    private static func resolve(_ path: String, against folder: URL) -> String {
        if path.hasPrefix("/") { return path }
        return folder.appendingPathComponent(path).standardizedFileURL.path
    }

    /// Every key of the config is a name: a sequence or mapping as a key (YAML's `? [a, b]`) is
    /// refused with its line, before Yams' decoder would describe it by its node structures.
    private static func refuseComplexKeys(_ node: Node, file: String) throws {
        if let mapping = node.mapping {
            var seen = Set<String>()
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    let kind = key.sequence != nil ? "a list" : key.mapping != nil ? "a mapping" : "an alias"
                    throw ConfigError(file: file, line: key.mark?.line, "a key must be a name, not \(kind) (a YAML complex key, '? …')")
                }
                // `"null"` and `null` are one name here, though Yams tells them apart.
                guard seen.insert(name).inserted else {
                    throw ConfigError(file: file, line: key.mark?.line, "the mapping names '\(name)' twice")
                }
                try refuseComplexKeys(value, file: file)
            }
        } else if let sequence = node.sequence {
            for item in sequence { try refuseComplexKeys(item, file: file) }
        }
    }

    /// The tree with every key tagged as its text would be unquoted. Keys are names, but Yams'
    /// decoder looks a key up as the plain word's node: a quoted "null" or "true" (a column so
    /// named, as `wdl init` quotes every name) is a string node, the word resolves to null or a
    /// boolean, and the key was reported missing.
    private static func plainKeys(_ node: Node) -> Node {
        if let mapping = node.mapping {
            let pairs = mapping.map { key, value -> (Node, Node) in
                guard var scalar = key.scalar else { return (key, plainKeys(value)) }
                scalar.tag = mapping.tag.copy(with: .implicit)
                return (.scalar(scalar), plainKeys(value))
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        }
        if let sequence = node.sequence {
            return .sequence(Node.Sequence(sequence.map(plainKeys), sequence.tag, sequence.style, sequence.mark))
        }
        return node
    }

    private static func checkKeys(_ node: Node, section: String, file: String) throws {
        guard let mapping = node.mapping, let known = knownKeys[section] else { return }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""  // a scalar: refuseComplexKeys ran first
            guard known.contains(key) else {
                let place = section.isEmpty ? "at the top level" : "in '\(section)'"
                throw ConfigError(file: file, line: keyNode.mark?.line,
                                  "unknown key '\(key)' \(place); known keys: \(known.joined(separator: ", "))")
            }
            let child = section.isEmpty ? key : "\(section).\(key)"
            if knownKeys[child] != nil {
                guard value.mapping != nil else {
                    throw ConfigError(file: file, line: value.mark?.line ?? keyNode.mark?.line,
                                      "'\(child)' must be a mapping of keys (\(knownKeys[child]!.joined(separator: ", ")))")
                }
                try checkKeys(value, section: child, file: file)
            }
        }
    }

    /// Finds the node at a coding path, to point at its line.
    private static func node(at path: [CodingKey], in root: Node) -> Node? {
        var current: Node? = root
        for key in path {
            if let index = key.intValue, let sequence = current?.sequence {
                current = index < sequence.count ? sequence[index] : nil
            } else {
                current = current?.mapping?[key.stringValue]
            }
        }
        return current
    }

    private static func describe(_ error: DecodingError, root: Node, file: String) -> ConfigError {
        let context: DecodingError.Context
        let what: String
        switch error {
        case .typeMismatch(let type, let c): context = c; what = "expected \(readable(type))"
        case .valueNotFound(let type, let c): context = c; what = "missing \(readable(type))"
        case .keyNotFound(let key, let c): context = c; what = "missing key '\(key.stringValue)'"
        case .dataCorrupted(let c): context = c; what = c.debugDescription
        @unknown default: return ConfigError(file: file, "\(error)")
        }
        let keyPath = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        let found = node(at: context.codingPath, in: root)
        let line = found?.mark?.line
        var message = keyPath.isEmpty ? what : "'\(keyPath)': \(what)"
        if case .typeMismatch = error {
            // What the file has there, in its words; Yams' own text names its node types.
            if let found { message += ", found \(shown(found))" } else if !context.debugDescription.isEmpty {
                message += " (\(context.debugDescription))"
            }
        }
        // Enum values: list what is accepted.
        if let last = context.codingPath.last?.stringValue, let accepted = acceptedValues[last],
           case .dataCorrupted = error {
            message = "'\(keyPath)': accepts \(accepted)"
        }
        return ConfigError(file: file, line: line, message)
    }

    private static let acceptedValues: [String: String] = [
        "format": DataFormat.allCases.map(\.rawValue).joined(separator: " | "),
        "mode": ModelMode.allCases.map(\.rawValue).joined(separator: " | "),
    ]

    /// A node as the message quotes it: a value, or what kind of thing it is.
    private static func shown(_ node: Node) -> String {
        if let scalar = node.scalar { return "'\(TerminalSafe.escape(scalar.string, maxCharacters: 60))'" }
        if node.sequence != nil { return "a list" }
        if node.mapping != nil { return "a mapping" }
        return "an alias"
    }

    private static func readable(_ type: Any.Type) -> String {
        switch type {
        case is Node.Mapping.Type: "a mapping (name: value, …)"
        case is Node.Sequence.Type: "a list"
        case is Node.Scalar.Type: "a single value"
        case is Int.Type, is UInt64.Type: "an integer"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [String].Type: "a list of strings"
        case is [Int].Type: "a list of integers"
        case is [[String]].Type: "a list of lists of column names"
        default: "\(type)"
        }
    }

    private static func yamlErrorLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return nil
        }
    }

    /// The problem alone: Yams' own description repeats the whole document.
    private static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            return context.map { "\(problem) (\($0.text))" } ?? problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "the mapping names \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) twice"
        default:
            return "\(error)"
        }
    }
}
