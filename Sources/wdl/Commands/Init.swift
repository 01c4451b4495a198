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
        log1p when heavy-tailed), multi-valued (counted by member) or ignored (constant in the sample, \
        unique per row), each with its evidence in a comment, the missing-value tokens seen per column, \
        and a few suggested crosses, commented out. Numbers that look like codes are warned about. \
        The validation rows: the --valid file, else the latest rows by a time column when one is \
        recognised (data.holdout_by), else the last 10% in file order, with a warning. Paths are \
        written relative to the config's folder.
        """)

    @Option(name: .long, help: "The CSV file (with a header row).")
    var from: String

    @Option(name: .long, help: "The label column (default: guessed).")
    var label: String?

    @Option(name: .long, help: "A validation file to write as data.valid.")
    var valid: String?

    @Option(name: .long, help: "Where to write the config (default run.yaml; - for standard output).")
    var out = "run.yaml"

    func run() throws {
        var inputs = [NamedPath("--from", from)]
        if let valid { inputs.append(NamedPath("--valid", valid)) }
        try OutputAliasing.check(outputs: [NamedPath("--out", out), NamedPath("standard output", "-")], inputs: inputs)
        if StandardOutput.isStandardOutput(out) {
            try StandardOutput.requireOpen(.output)
            StandardOutput.reserveOutputForData()
        }
        if let valid, let problem = InputFile.problem(with: valid) { throw DataError(file: valid, "--valid: \(problem)") }
        let survey = try ConfigSurvey(path: from, label: label)
        let name = URL(fileURLWithPath: from).deletingPathExtension().lastPathComponent
        // Relative to where the config goes, so the folder can be moved or shared as a whole.
        let folder = StandardOutput.isStandardOutput(out) ? FileManager.default.currentDirectoryPath
            : URL(fileURLWithPath: out).standardizedFileURL.deletingLastPathComponent().path
        let trainPath = ConfigSurvey.relativePath(of: from, from: folder)
        let validPath = valid.map { ConfigSurvey.relativePath(of: $0, from: folder) }
        try OutputFile.write(Array(survey.yaml(name: name, trainPath: trainPath, validPath: validPath).utf8), to: out)
        var report = "wdl init: missing values seen (data.missing): \(TerminalSafe.escape(survey.missingSeen()))\n"
        for warning in survey.warnings { report += "wdl init: \(TerminalSafe.escape(warning))\n" }
        if let note = survey.validationNote(validPath: validPath) { report += "wdl init: warning: \(note)\n" }
        let guess = survey.labelGuess.map { " (label '\(survey.label)' \($0))" } ?? ""
        let wrote = "wrote \(OutputFile.displayName(of: out))\(guess); train with: wdl train --config \(out)"
        report += TerminalSafe.escape(wrote, maxCharacters: .max) + "\n"
        try StandardOutput.write(report, to: .error)
    }
}
