/// "Did you mean …?" for a misspelt name: the known name fewest single-character edits away.
enum NameSuggestion {
    /// The closest of `known` to `name` (case-insensitive), when it is within a third of the
    /// name's length in edits (at least one): `contry` → `country`, but nothing for `xyz`. A name
    /// that is part of a longer one counts too, one edit dearer: `contry` → `native_country`.
    static func closest(to name: String, in known: [String]) -> String? {
        let target = Array(name.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in known {
            let letters = Array(candidate.lowercased())
            var distance = editDistance(target, letters)
            for width in [target.count, target.count + 1] where width < letters.count {
                for start in 0...(letters.count - width) {
                    distance = min(distance, 1 + editDistance(target, Array(letters[start..<start + width])))
                }
            }
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(1, target.count / 3) else { return nil }
        return best.name
    }

    /// Levenshtein distance: insertions, deletions and substitutions each cost 1.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
