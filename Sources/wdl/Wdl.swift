import ArgumentParser
import WdlApp

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
        subcommands: [Train.self, Evaluate.self, Predict.self, Inspect.self, Generate.self, Export.self, Init.self, Bench.self],
        defaultSubcommand: Train.self)
}
