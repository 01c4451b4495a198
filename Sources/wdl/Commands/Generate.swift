import ArgumentParser

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gen", abstract: "Generate synthetic Criteo-layout CTR data (not yet).")
    func run() throws { throw ValidationError("wdl gen is not written yet") }
}
