import Foundation
import WideDeep

/// Warnings about a run's set-up that do not stop it: a CSV column the config uses nowhere, and
/// a validation set too small for its AUC to mean much.
public enum RunWarnings {
    /// Below these, a validation AUC moves by about a hundredth from sampling alone.
    public static let minimumValidationRows = 1_000
    public static let minimumValidationPositives = 100

    /// One warning naming the columns of the training CSV's header that the config neither uses
    /// nor lists under `features.ignore`. None for Criteo files (every column is used), for a file
    /// that is not a readable regular file, or for a header without the label column: the run
    /// itself then stops with the reason, which a warning would only bury.
    public static func unusedColumns(_ config: RunConfig) -> [String] {
        guard config.data.format == .csv, let path = config.data.train,
              (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular,
              let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        guard let bytes = try? handle.read(upToCount: 1 << 16) else { return [] }
        let start = String(decoding: bytes, as: UTF8.self)
        guard let headerLine = start.split(whereSeparator: \.isNewline).first else { return [] }
        let delimiter = Character(config.data.delimiter)
        let header = headerLine.split(separator: delimiter, omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"\u{FEFF}")) }
        guard header.contains(config.data.label) else { return [] }
        let features = config.features
        let used = Set([config.data.label] + features.categorical + features.numeric + Array(features.multiValued.keys) + features.ignore
                       + [config.data.holdoutBy].compactMap { $0 })
        let unused = header.filter { !$0.isEmpty && !used.contains($0) }
        guard !unused.isEmpty else { return [] }
        let shown = unused.prefix(8).map { "'\(TerminalSafe.escape($0, maxCharacters: 40))'" }.joined(separator: ", ")
        let more = unused.count > 8 ? " and \(unused.count - 8) more" : ""
        let (columns, verb) = unused.count == 1 ? ("column \(shown)", "is") : ("columns \(shown)\(more)", "are")
        return ["warning: \(columns) of \(TerminalSafe.escape(path)) \(verb) used nowhere (add to features.categorical, "
                + "numeric or multi_valued, or to features.ignore to silence this)"]
    }

    /// A warning when the validation set is small, from the first evaluation's figures.
    public static func smallValidation(_ metrics: EvaluationMetrics) -> String? {
        let positives = Int((metrics.positiveRate * Double(metrics.count)).rounded())
        guard metrics.count < minimumValidationRows || positives < minimumValidationPositives else { return nil }
        return "warning: the validation set has \(metrics.count) rows and \(positives) positives; its AUC is noisy (aim for at least \(minimumValidationRows) rows and \(minimumValidationPositives) positives)"
    }
}
