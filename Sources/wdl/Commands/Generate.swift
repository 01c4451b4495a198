import ArgumentParser
import Foundation
import SafeTensors
import WdlApp
import WideDeep

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Write deterministic synthetic CTR data in Criteo's TSV layout (or Avazu's CSV) and print its Bayes-optimal AUC and logloss.",
        discussion: """
        Rows come from a planted logistic model with per-category effects, pairwise effects that only \
        a cross feature can memorize (C5×C8, C11×C14, C17×C20, C1×C13, C4×C10), a low-rank latent \
        interaction between C3 and C12 that embeddings can learn, nonlinear effects of I1–I3, Zipf \
        category frequencies and missing values. --positive-rate shifts the planted model's intercept \
        for rarer (or more frequent) clicks: the default gives about 25% positives, real CTR logs 1–5%. \
        --model-seed fixes the planted model, --seed the rows: \
        train and validation files share a --model-seed and differ in --seed. --layout avazu writes \
        a CSV with Avazu's header (id, click, hour, C1, banner_pos, site_id, … C21) from the same \
        planted model's first 21 categorical fields (no numeric columns).
        """)

    @Option(name: .long, help: "Column layout: criteo (TSV, no header) or avazu (CSV with Avazu's header).")
    var layout: String = "criteo"

    @Option(name: .long, parsing: .unconditional, help: "Number of rows.")
    var rows: Int

    @Option(name: .long, parsing: .unconditional, help: "Seed of the rows.")
    var seed: UInt64 = 1

    @Option(name: .long, parsing: .unconditional, help: "Seed of the planted model.")
    var modelSeed: UInt64 = 2016

    @Option(name: .long, parsing: .unconditional,
            help: "Expected positive rate, e.g. 0.03 for rare clicks as in real CTR logs: the planted model's intercept is shifted to give it (default: the model's own, about 0.25).")
    var positiveRate: Double?

    @Option(name: .long, help: "Output file (- for standard output; a regular file is written atomically).")
    var out: String

    func validate() throws {
        guard rows >= 1 else { throw ValidationError("--rows must be a positive integer, got \(rows)") }
        if let positiveRate, !(positiveRate >= 0.001 && positiveRate <= 0.9) {
            throw ValidationError("--positive-rate must be a fraction from 0.001 to 0.9, got \(positiveRate)")
        }
        guard SyntheticCTR.Layout(rawValue: layout) != nil else {
            throw ValidationError("--layout must be \(SyntheticCTR.Layout.allCases.map(\.rawValue).joined(separator: " or ")), got '\(layout)'")
        }
    }

    func run() throws {
        if StandardOutput.isStandardOutput(out) {
            try StandardOutput.requireOpen(.output)
            StandardOutput.reserveOutputForData()
        }
        let chosenLayout = SyntheticCTR.Layout(rawValue: layout) ?? .criteo
        let shift = positiveRate.map { SyntheticCTR(seed: seed, modelSeed: modelSeed, layout: chosenLayout).interceptShift(positiveRate: $0) } ?? 0
        let generator = SyntheticCTR(seed: seed, modelSeed: modelSeed, layout: chosenLayout, interceptShift: shift)
        let (bytes, probabilities, labels) = generator.generate(rows: rows)
        // Written in pieces of at most 1 GiB: Foundation's Data.write lost bytes past 2 GiB here.
        // Written through, the output may be this process's stdout (/dev/stdout): the summary
        // then goes to stderr, or it would land in (or over) the data.
        let summaryToStderr = OutputFile.destination(of: out) != .atomic
        do {
            try OutputFile.write(bytes, to: out)
        } catch {
            throw RunFailure(message: "\(error)")
        }
        let ceiling = SyntheticCTR.ceiling(probabilities: probabilities, labels: labels)
        let report = [
            String(format: "wrote %d rows (%.1f MB) to %@; positive rate %.4f", rows, Double(bytes.count) / 1e6,
                   TerminalSafe.escape(OutputFile.displayName(of: out)), ceiling.positiveRate),
            String(format: "Bayes-optimal (true probabilities) on this file: AUC %.4f, logloss %.4f", ceiling.auc, ceiling.logloss),
        ]
        for line in report { try StandardOutput.write(line: line, to: summaryToStderr ? .error : .output) }
    }
}
