import Foundation

/// `wdl init`'s rules for one column, in the order they are tried: constant (ignored), multi-valued
/// (counted by member), unique per row (an id, ignored), numeric (warned about when it looks like a
/// code), categorical. Missing tokens are counted apart and left out of every rule.
extension ConfigSurvey {
    /// A sample shorter than this cannot tell an id from a column of rare values.
    static let minimumRowsForIds = 100
    static let timeNames: Set<String> = ["time", "timestamp", "ts", "date", "datetime", "hour", "day",
                                         "event_time", "event_date", "created_at", "click_time"]

    static func column(_ name: String, _ values: [String], missing tokens: Set<String>) -> Column {
        let (present, missing) = split(values, missing: tokens)
        let distinctValues = Set(present)
        let numbers = present.compactMap(number)
        let parseRate = present.isEmpty ? 0 : Double(numbers.count) / Double(present.count)
        let piped = present.filter { $0.contains("|") }.count
        var evidence = "\(distinctValues.count) distinct values in \(values.count) rows, \(Int((parseRate * 100).rounded()))% parse as numbers"
        if !missing.isEmpty { evidence += ", missing: " + describe(missing) }
        if piped > 0 { evidence += ", '|' in \(piped) values" }
        func make(_ kind: Kind, _ evidence: String, distinct: Int = distinctValues.count, warning: String? = nil,
                  ignoredBecause: String? = nil) -> Column {
            Column(name: name, kind: kind, evidence: evidence, distinct: distinct, missing: missing, warning: warning,
                   ignoredBecause: ignoredBecause)
        }
        if distinctValues.count <= 1 {
            let what = distinctValues.first.map { "'\($0)' in every row" + (missing.isEmpty ? "" : " that is not missing") }
                ?? "missing in every row"
            return make(.ignored, evidence + "; constant (\(what)): nothing to learn from", ignoredBecause: "constant in the sample")
        }
        if parseRate < 0.99 && Double(piped) >= 0.05 * Double(present.count) {
            // Members, not joined strings: "a|b" and "b|a" share both, and a row's set may be unique
            // while its members repeat.
            let members = present.flatMap { $0.split(separator: "|").map(String.init) }
            let distinctMembers = Set(members).count
            let perRow = Double(members.count) / Double(present.count)
            return make(.multiValued("|"), "\(distinctMembers) distinct members in \(values.count) rows (\(String(format: "%.1f", perRow)) per row)"
                        + (missing.isEmpty ? "" : ", missing: " + describe(missing)), distinct: distinctMembers)
        }
        let integers = numbers.count == present.count && numbers.allSatisfy { $0 == $0.rounded() }
        if present.count >= minimumRowsForIds && distinctValues.count == present.count && (parseRate < 0.99 || integers) {
            return make(.ignored, evidence + "; unique per row: an id, ignored (it cannot generalise to new rows)",
                        ignoredBecause: "unique per row, an id")
        }
        if parseRate >= 0.99 && distinctValues.count >= 20 {
            let sorted = numbers.sorted()
            let median = sorted[sorted.count / 2]
            // Heavy-tailed non-negative counts (money, clicks) are compressed before standardizing.
            let log = sorted[0] >= 0 && sorted[sorted.count - 1] > 100 * max(median, 1)
            if log { evidence += "; heavy-tailed (max \(sorted[sorted.count - 1]), median \(median)): log1p" }
            var warning: String?
            // A code (a site, an ad format, a postcode): large integers, each seen several times, of
            // which few of their range occur. Its order and distances mean nothing; as categories it
            // is learnt per value. (A weight like Adult's fnlwgt is large too, but rarely repeats.)
            let span = sorted[sorted.count - 1] - sorted[0] + 1
            if integers && median >= 1000 && distinctValues.count * 5 <= present.count
                && Double(distinctValues.count) * 20 <= span {
                warning = "integers around \(Int(median)) of which only \(distinctValues.count) of the \(Int(span)) in their range occur: "
                    + "it looks like a code; consider listing it as categorical"
                evidence += "; looks like a code, check it"
            }
            return make(.numeric(log: log), evidence, warning: warning)
        }
        if parseRate >= 0.99 { evidence += "; few distinct numbers, taken as categories" }
        return make(.categorical, evidence)
    }

    /// The time column: named like one and every present value a time (`TimeKey`). Used for the
    /// held-out split, not as a feature: validation rows would all lie past the training rows' times.
    static func timeColumn(_ name: String, _ values: [String], missing tokens: Set<String>) -> Column {
        let (present, missing) = split(values, missing: tokens)
        let distinct = Set(present).count
        var evidence = "\(distinct) distinct times in \(values.count) rows"
        if !missing.isEmpty { evidence += ", missing: " + describe(missing) }
        evidence += distinct == 1 ? "; one time in the sample (the file is in time order?)" : ""
        evidence += "; the time column: the latest rows are held out by it (data.holdout_by), it is no feature"
        return Column(name: name, kind: .ignored, evidence: evidence, distinct: distinct, missing: missing,
                      ignoredBecause: "the time column")
    }

    static func looksLikeTime(name: String, values: [String], missing tokens: Set<String>) -> Bool {
        let lowered = name.lowercased()
        guard timeNames.contains(lowered) || lowered.hasSuffix("_time") || lowered.hasSuffix("_date") else { return false }
        let present = values.filter { !tokens.contains($0) }
        // At least a date's six digits (YYMMDD): an hour of the day (0…23) is a cycle, not a timeline.
        return !present.isEmpty && present.allSatisfy {
            $0.utf8.filter { (48...57).contains($0) }.count >= 6 && TimeKey.parse(Array($0.utf8)) != nil
        }
    }

    /// The values that are not missing, and how often each missing token was seen.
    private static func split(_ values: [String], missing tokens: Set<String>) -> (present: [String], missing: [String: Int]) {
        var present: [String] = [], missing: [String: Int] = [:]
        present.reserveCapacity(values.count)
        for value in values {
            if tokens.contains(value) { missing[value, default: 0] += 1 } else { present.append(value) }
        }
        return (present, missing)
    }

    /// `'NA' ×12, '' ×3`, the most frequent first.
    static func describe(_ missing: [String: Int]) -> String {
        missing.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "'\($0.key)' ×\($0.value)" }.joined(separator: ", ")
    }
}
