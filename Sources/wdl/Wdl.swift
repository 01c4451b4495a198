import ArgumentParser
import Foundation
import WdlApp
import WideDeep

/// `wdl`: train Wide & Deep CTR models, watch and steer them live.
@main
struct Wdl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wdl",
        abstract: "Train Wide & Deep click-through-rate models (Cheng et al. 2016) and steer them live.",
        discussion: """
            With no subcommand, trains the bundled sample run (sample-data/adult/live.yaml). \
            `wdl train` opens the dashboard when run in a terminal; --headless (or no terminal) \
            prints a line per evaluation and a final summary instead.
            """,
        version: WdlVersion.description,
        subcommands: [Train.self, Attach.self, View.self, Evaluate.self, Predict.self, Inspect.self, Generate.self, Export.self, Init.self, Bench.self, Serve.self, ConfigTable.self],
        defaultSubcommand: Train.self)

    /// ArgumentParser's entry point, with every error message made terminal-safe (file names
    /// and values in it may hold escape sequences; a message's own line breaks are kept) and
    /// every word to stdout and stderr through `StandardOutput`, so a stream that fails is an
    /// error exit, never a trap.
    static func main() {
        StandardOutput.prepare()
        var command: ParsableCommand
        do {
            command = try parseAsRoot(ControlFlag.normalize(Array(CommandLine.arguments.dropFirst())))
        } catch {
            guard exitCode(for: error) != .success else { finish(printing: fullMessage(for: error)) }  // --help, --version
            let lines = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false)
            fail(lines.map { TerminalSafe.escape($0, maxCharacters: 2000) }.joined(separator: "\n"), error)
        }
        do {
            try command.run()
        } catch {
            guard exitCode(for: error) != .success else { finish(printing: fullMessage(for: error)) }  // `wdl help`
            // Line by line: a message's own line breaks stay line breaks, a name's are escaped.
            let lines = message(for: error).split(separator: "\n", omittingEmptySubsequences: false)
            fail("Error: " + lines.map { TerminalSafe.escape($0, maxCharacters: 2000) }.joined(separator: "\n"), error)
        }
        // A command that finished but could not write some of its log lines (a full disk, a
        // closed stream) did not do all it was asked: say so, on the stream that works.
        if let lost = StandardOutput.lostLinesMessage() {
            StandardOutput.lastWords("Error: \(lost)")
            Foundation.exit(EXIT_FAILURE)
        }
    }

    /// --help and --version: their text through the one writer, so a full or closed stdout is
    /// an error exit too.
    private static func finish(printing text: String) -> Never {
        do {
            if !text.isEmpty { try StandardOutput.write(line: text) }
        } catch {
            StandardOutput.lastWords("Error: \(error)")
            Foundation.exit(EXIT_FAILURE)
        }
        Foundation.exit(EXIT_SUCCESS)
    }

    private static func fail(_ text: String, _ error: Error) -> Never {
        StandardOutput.lastWords(text)
        Foundation.exit(exitCode(for: error).rawValue)
    }
}
