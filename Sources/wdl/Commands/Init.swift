import ArgumentParser
import Foundation
import SafeTensors
import WdlApp
import WideDeep

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented run config inferred from a sample of a CSV file.",
        discussion: """
        Reads the first \(ConfigSurvey.sampleRows) rows: the label column (guessed when --label is not \
        given, and the config says so), which columns are categorical, numeric (with quantile buckets; \
        log1p when heavy-tailed), multi-valued or ignored, each with its evidence in a comment, and a \
        few suggested crosses, commented out.
        """)

    @Option(name: .long, help: "The CSV file (with a header row).")
    var from: String

    @Option(name: .long, help: "The label column (default: guessed).")
    var label: String?

    @Option(name: .long, help: "Where to write the config (default run.yaml; - for standard output).")
    var out = "run.yaml"

    func run() throws {
        try OutputAliasing.check(outputs: [NamedPath("--out", out), NamedPath("standard output", "-")], inputs: [NamedPath("--from", from)])
        if StandardOutput.isStandardOutput(out) {
            try StandardOutput.requireOpen(.output)
            StandardOutput.reserveOutputForData()
        }
        let survey = try ConfigSurvey(path: from, label: label)
        let name = URL(fileURLWithPath: from).deletingPathExtension().lastPathComponent
        let trainPath = URL(fileURLWithPath: from).standardizedFileURL.path
        try OutputFile.write(Array(survey.yaml(name: name, trainPath: trainPath).utf8), to: out)
        let note = survey.labelGuess.map { " (label '\(survey.label)' \($0))" } ?? ""
        let line = "wrote \(OutputFile.displayName(of: out))\(note); train with: wdl train --config \(out)"
        try StandardOutput.write(line: TerminalSafe.escape(line, maxCharacters: .max), to: .error)
    }
}
