/// Which input columns feed which features: the part of the run config that reading needs, with
/// the file layout resolved (CSV: from its header; Criteo: the fixed 40 columns).
public struct DataSchema: Sendable, Equatable, Codable {
    public var format: DataFormat
    public var labelColumn: String
    public var positive: [String]
    public var negative: [String]?
    public var delimiter: UInt8
    /// Single-valued categorical fields, in feature order.
    public var categorical: [String]
    /// Multi-valued categorical fields and their value separators.
    public var multiValued: [MultiValuedField]
    /// Numeric fields, in feature order.
    public var numeric: [String]
    public var ignore: [String]
    /// Field values read as missing besides the empty field (`data.missing`). Nil in a checkpoint
    /// saved before the list existed: then only the empty field is missing, as it was then.
    public var missing: [String]?

    public struct MultiValuedField: Sendable, Equatable, Codable {
        public var name: String
        public var separator: UInt8
    }

    /// Criteo's layout: label, I1…I13, C1…C26.
    public static let criteoNumeric = (1...13).map { "I\($0)" }
    public static let criteoCategorical = (1...26).map { "C\($0)" }

    public static func criteo() -> DataSchema {
        DataSchema(format: .criteo, labelColumn: "label", positive: ["1"], negative: ["0"], delimiter: 9,
                   categorical: criteoCategorical, multiValued: [], numeric: criteoNumeric, ignore: [])
    }

    /// The schema of a run config, checked for contradictions (a column used twice, a bucketized or
    /// crossed field that is not a feature, a separator that is not one character).
    public init(config: RunConfig) throws {
        let data = config.data, features = config.features
        if data.format == .criteo {
            self = DataSchema.criteo()
            if !features.categorical.isEmpty || !features.numeric.isEmpty {
                // A criteo config may list a subset of the fixed columns.
                let unknown = (features.categorical + features.numeric).filter {
                    !DataSchema.criteoNumeric.contains($0) && !DataSchema.criteoCategorical.contains($0)
                }
                guard unknown.isEmpty else {
                    throw ConfigError("features: criteo columns are I1…I13 and C1…C26, not \(unknown.joined(separator: ", "))")
                }
                categorical = DataSchema.criteoCategorical.filter(features.categorical.contains)
                numeric = DataSchema.criteoNumeric.filter(features.numeric.contains)
            }
            missing = Self.missingTokens(data.missing)
            return
        }
        format = .csv
        labelColumn = data.label
        positive = data.positive
        negative = data.negative ?? (data.positive == ["1"] ? ["0"] : nil)
        delimiter = data.delimiter.utf8.first ?? UInt8(ascii: ",")
        categorical = features.categorical
        numeric = features.numeric
        ignore = features.ignore
        missing = Self.missingTokens(data.missing)
        multiValued = try features.multiValued.keys.sorted().map { name in
            let separator = features.multiValued[name]!
            guard separator.utf8.count == 1, let byte = separator.utf8.first else {
                throw ConfigError("features.multi_valued.\(name): the separator must be one ASCII character, got \"\(separator)\"")
            }
            return MultiValuedField(name: name, separator: byte)
        }
        var seen: [String: String] = [labelColumn: "the label"]
        for (list, role) in [(categorical, "categorical"), (multiValued.map(\.name), "multi_valued"),
                             (numeric, "numeric"), (ignore, "ignore")] {
            for name in list {
                if let earlier = seen[name] {
                    throw ConfigError("features: column '\(name)' is listed as \(role) and as \(earlier)")
                }
                seen[name] = role
            }
        }
    }

    /// The schema of `config`, reading missing values as `resumed` (a resumed run's layout) did:
    /// a model goes on seeing a token the way it was trained to, whatever the config now says.
    public init(config: RunConfig, resuming resumed: FeatureLayout?) throws {
        try self.init(config: config)
        if let resumed { missing = resumed.schema.missing }
    }

    init(format: DataFormat, labelColumn: String, positive: [String], negative: [String]?, delimiter: UInt8,
         categorical: [String], multiValued: [MultiValuedField], numeric: [String], ignore: [String]) {
        self.format = format
        self.labelColumn = labelColumn
        self.positive = positive
        self.negative = negative
        self.delimiter = delimiter
        self.categorical = categorical
        self.multiValued = multiValued
        self.numeric = numeric
        self.ignore = ignore
    }

    /// The non-empty tokens of `data.missing`, each once, in order (the empty field is always missing).
    static func missingTokens(_ tokens: [String]) -> [String] {
        var seen = Set<String>()
        return tokens.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// Every categorical field (single then multi-valued), the order of embedding tables.
    public var allCategorical: [String] { categorical + multiValued.map(\.name) }
}
