import ArgumentParser
import Foundation
import Synchronization
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

        --endless replaces --rows: rows 0, 1, 2, … are written until the reader closes the pipe \
        (then it exits 0 quietly) or SIGINT/SIGTERM arrives (it stops after the current chunk of \
        8192 rows); its first N rows are the file --rows N writes. Nothing but data goes to \
        standard output (a start note goes to stderr; no Bayes-optimal summary). To a regular \
        file it is written in place, not atomically, and never ends: stop it yourself. \
        --drift-at N[,M,…] (with or without --endless) redraws the planted model from row N on: \
        every category, pair and latent effect becomes that of --model-seed + k after the k-th \
        point (the integer effects' shapes and the intercept shift, calibrated on the first model, \
        stay: the positive rate moves too); the rows' features and category texts are unchanged. \
        A finite file's summary then gives each stretch's positive rate.
        """)

    @Option(name: .long, help: "Column layout: criteo (TSV, no header) or avazu (CSV with Avazu's header).")
    var layout: String = "criteo"

    @Option(name: .long, parsing: .unconditional, help: "Number of rows (or --endless).")
    var rows: Int?

    @Flag(name: .long, help: "Write rows until the reader closes the pipe or SIGINT/SIGTERM arrives, instead of --rows (to a regular file: never ends).")
    var endless = false

    @Option(name: .long, help: ArgumentHelp("Rows at which the planted model is redrawn (model seed + 1, + 2, …), comma-separated.", valueName: "N[,M,…]"))
    var driftAt: String?

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
        if endless {
            if rows != nil { throw ValidationError("--rows and --endless exclude each other: an endless stream has no row count") }
        } else {
            guard let rows else { throw ValidationError("Missing --rows (or --endless)") }
            guard rows >= 1 else { throw ValidationError("--rows must be a positive integer, got \(rows)") }
            if let last = try driftPoints().last, last >= rows {
                throw ValidationError("--drift-at \(last) is not below --rows \(rows): no row would follow the drifted model")
            }
        }
        _ = try driftPoints()
        if let positiveRate, !(positiveRate >= 0.001 && positiveRate <= 0.9) {
            throw ValidationError("--positive-rate must be a fraction from 0.001 to 0.9, got \(positiveRate)")
        }
        guard SyntheticCTR.Layout(rawValue: layout) != nil else {
            throw ValidationError("--layout must be \(SyntheticCTR.Layout.allCases.map(\.rawValue).joined(separator: " or ")), got '\(layout)'")
        }
    }

    /// `--drift-at`'s rows: positive integers, increasing.
    func driftPoints() throws -> [Int] {
        guard let driftAt else { return [] }
        var points: [Int] = []
        for item in driftAt.split(separator: ",", omittingEmptySubsequences: false) {
            let text = item.trimmingCharacters(in: .whitespaces)
            guard let point = Int(text), point >= 1 else {
                throw ValidationError("--drift-at takes row numbers from 1, comma-separated; '\(text)' is not one (in '\(driftAt)')")
            }
            if let previous = points.last, point <= previous {
                throw ValidationError("--drift-at's rows must increase: \(point) follows \(previous)")
            }
            points.append(point)
        }
        return points
    }

    func run() throws {
        if StandardOutput.isStandardOutput(out) {
            try StandardOutput.requireOpen(.output)
            StandardOutput.reserveOutputForData()
        }
        let chosenLayout = SyntheticCTR.Layout(rawValue: layout) ?? .criteo
        let shift = positiveRate.map { SyntheticCTR(seed: seed, modelSeed: modelSeed, layout: chosenLayout).interceptShift(positiveRate: $0) } ?? 0
        let generator = SyntheticCTR(seed: seed, modelSeed: modelSeed, layout: chosenLayout, interceptShift: shift,
                                     driftPoints: try driftPoints())
        guard let rows else { return try EndlessOutput.write(generator, to: out) }
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
            String(format: "Bayes-optimal (true probabilities) on this file: AUC %.4f, logloss %.4f", ceiling.auc, ceiling.logloss)
                + (generator.driftPoints.isEmpty ? "" : " (each row's probability from the model in force at it)"),
        ] + stretchRates(generator.driftPoints, labels: labels)
        for line in report { try StandardOutput.write(line: line, to: summaryToStderr ? .error : .output) }
    }
}

/// With drift points, one line: each stretch of rows between them and its positive rate.
private func stretchRates(_ points: [Int], labels: [Float]) -> [String] {
    guard !points.isEmpty else { return [] }
    let bounds = [0] + points + [labels.count]
    let stretches = (0..<bounds.count - 1).map { k -> String in
        let range = bounds[k]..<bounds[k + 1]
        let rate = Double(labels[range].reduce(0, +)) / Double(range.count)
        return String(format: "rows %d..<%d (model seed +%d) %.4f", range.lowerBound, range.upperBound, k, rate)
    }
    return ["positive rate per model: " + stretches.joined(separator: ", ")]
}
