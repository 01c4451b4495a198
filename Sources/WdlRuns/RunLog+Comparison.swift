import Foundation
import WideDeep

extension RunLog {
    /// A name for each log that tells it apart from the others: the run's name (else the file
    /// name); runs sharing a name get their file name added, then its folder, then `#2`, `#3`….
    public static func distinctNames(_ logs: [RunLog]) -> [String] {
        var names = logs.map(\.name)
        let qualifiers: [(RunLog) -> String] = [
            { $0.fileName },
            { URL(fileURLWithPath: $0.path).deletingLastPathComponent().lastPathComponent + "/" + $0.fileName },
        ]
        for qualify in qualifiers {
            let repeated = duplicates(names)
            guard !repeated.isEmpty else { return names }
            for index in names.indices where repeated.contains(names[index]) {
                let name = logs[index].name, qualifier = qualify(logs[index])
                // A name that is the file's own is replaced by the longer form, not repeated.
                let extends = qualifier == name || qualifier.hasSuffix("/" + name)
                names[index] = extends ? qualifier : "\(name) (\(qualifier))"
            }
        }
        var seen: [String: Int] = [:]
        let repeated = duplicates(names)
        return names.map { name in
            guard repeated.contains(name) else { return name }
            seen[name, default: 0] += 1
            return "\(name) #\(seen[name]!)"
        }
    }

    private static func duplicates(_ names: [String]) -> Set<String> {
        var counts: [String: Int] = [:]
        for name in names { counts[name, default: 0] += 1 }
        return Set(counts.filter { $0.value > 1 }.keys)
    }
}

extension RunLog {
    /// For each log, the config settings in which the logs differ, as `key value` pairs joined by
    /// " · " (keys shortened to their last two parts: `deep.lr 0.05 · train.seed 2`); empty for a
    /// single log, for logs without a start record, or where every setting agrees. A setting one
    /// log lacks shows as `—` there.
    public static func configDifferences(_ logs: [RunLog]) -> [String] {
        let configured = logs.filter { !$0.config.isEmpty }
        guard configured.count > 1 else { return logs.map { _ in "" } }
        let keys = Set(configured.flatMap(\.config.keys)).filter { key in
            Set(configured.map { $0.config[key] ?? "—" }).count > 1
        }.sorted()
        return logs.map { log in
            guard !log.config.isEmpty else { return "" }
            return keys.map { key in
                let short = key.split(separator: ".").suffix(2).joined(separator: ".")
                return "\(short) \(log.config[key] ?? "—")"
            }.joined(separator: " · ")
        }
    }
}
