import ArgumentParser
import WdlApp
import WideDeep

/// Prints the README's config reference, generated from the schema (a test holds the README to it).
struct ConfigTable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-table",
        abstract: "Print the run config's keys as the README's Markdown table (its defaults, ranges and flags).",
        shouldDisplay: false)

    func run() throws {
        try StandardOutput.write(ConfigSchema.markdownTable(), to: .output)
    }
}
