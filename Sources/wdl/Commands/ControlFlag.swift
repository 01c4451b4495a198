/// `--control` takes an optional value (`--control`, `--control PATH`, `--control=PATH`), which
/// ArgumentParser cannot express: a bare `--control` (last, or before another option) becomes
/// `--control=<marker>` before parsing, the marker (a NUL, never in a path) meaning the default
/// location.
enum ControlFlag {
    static let defaultLocation = "\u{0}"

    static func normalize(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for (index, argument) in arguments.enumerated() {
            let next = arguments.indices.contains(index + 1) ? arguments[index + 1] : nil
            if argument == "--control", next.map({ $0.hasPrefix("-") }) ?? true {
                result.append("--control=" + defaultLocation)
            } else {
                result.append(argument)
            }
        }
        return result
    }

    /// The path to serve at; "" for the default location (what `ControlServer.start` takes).
    static func path(_ value: String) -> String { value == defaultLocation ? "" : value }
}
