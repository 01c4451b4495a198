import Yams

extension RunConfigLoader {
    /// A cross in the file naming a column the config neither declares categorical nor
    /// bucketizes: the error has the name's line, the columns that can be crossed and the nearest
    /// one. Only for CSV configs that list their categorical columns (Criteo's come from the format;
    /// `FeatureLayout` checks every cross again once the data is known).
    static func checkCrosses(_ config: RunConfig, root: Node, file: String) throws {
        let features = config.features
        guard config.data.format == .csv, !features.categorical.isEmpty else { return }
        let usable = features.categorical + features.multiValued.keys.sorted() + features.buckets.keys.sorted()
        let groups = root["features"]?["crosses"]?.sequence.map(Array.init) ?? []
        for (i, group) in features.crosses.enumerated() {
            let nodes = i < groups.count ? groups[i].sequence.map(Array.init) ?? [] : []
            for (j, name) in group.enumerated() where !usable.contains(name) && !features.numeric.contains(name) {
                let line = j < nodes.count ? nodes[j].mark?.line : groups.indices.contains(i) ? groups[i].mark?.line : nil
                let suggestion = NameSuggestion.closest(to: name, in: usable).map { " (did you mean '\($0)'?)" } ?? ""
                throw ConfigError(file: file, line: line,
                                  "features.crosses: '\(name)' is not a categorical or bucketized column\(suggestion); "
                                  + "the columns that can be crossed are: \(usable.joined(separator: ", "))")
            }
        }
    }
}
