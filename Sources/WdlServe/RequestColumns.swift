import WideDeep

/// The columns a request may name for a model, and how a row of named values becomes one line of
/// the model's data format, to be read by the same reader as `wdl predict`'s input file.
///
/// CSV models: the lines are written under a header of the model's columns (categorical,
/// multi-valued, numeric, then ignored ones), so headerless CSV bodies give their fields in that
/// order. Criteo models: the fixed 39 unlabelled fields I1…I13, C1…C26.
struct RequestColumns: Sendable {
    let format: DataFormat
    let delimiter: UInt8
    /// Output columns, in line order.
    let names: [String]
    /// Where each accepted key goes; nil: accepted and not read (the label).
    let slots: [String: Int?]
    /// The header line (with its newline) that CSV lines are read under; empty for Criteo.
    let header: [UInt8]
    /// Multi-valued fields' value separators, by output column (a JSON array is joined with it).
    let separators: [Int: UInt8]

    init(schema: DataSchema) {
        format = schema.format
        delimiter = schema.delimiter
        var slots: [String: Int?] = [schema.labelColumn: nil]
        if schema.format == .criteo {
            names = DataSchema.criteoNumeric + DataSchema.criteoCategorical
            slots["label"] = .some(nil)
            header = []
        } else {
            names = schema.categorical + schema.multiValued.map(\.name) + schema.numeric + schema.ignore
            var line: [UInt8] = []
            for (i, name) in names.enumerated() {
                if i > 0 { line.append(schema.delimiter) }
                Self.appendQuoted(Array(name.utf8), to: &line)
            }
            line.append(10)
            header = line
        }
        for (i, name) in names.enumerated() { slots[name] = i }
        self.slots = slots
        var separators: [Int: UInt8] = [:]
        for field in schema.multiValued { separators[names.firstIndex(of: field.name)!] = field.separator }
        self.separators = separators
    }

    /// The accepted keys, for error messages.
    var accepted: String { names.joined(separator: ", ") }

    /// Appends one line of `values` (nil: missing) and its newline. A value reads back as itself,
    /// as the same value in a data file does: in CSV with the spaces around it dropped (as around
    /// an unquoted field); one that the reader would split or unquote (it holds the delimiter, or
    /// starts with a quote) is quoted as a file must quote it, others are written as they are.
    func appendLine(_ values: [[UInt8]?], to out: inout [UInt8]) {
        let start = out.count
        for (i, given) in values.enumerated() {
            if i > 0 { out.append(delimiter) }
            guard var value = given?[...], !value.isEmpty else { continue }
            if format == .csv {
                while value.first == 32 { value.removeFirst() }
                while value.last == 32 { value.removeLast() }
            }
            if value.first == 34 || value.contains(delimiter) {
                Self.appendQuoted(Array(value), to: &out)
            } else {
                out += value
            }
        }
        // A line of only spaces and tabs is blank to the reader, not a row: one empty quoted
        // field keeps it a row of missing values (a quoted empty field reads as an empty one).
        if out[start...].allSatisfy({ $0 == 32 || $0 == 9 }) {
            out.removeSubrange(start...)
            out += [34, 34]
            for _ in 1..<max(1, values.count) { out.append(delimiter) }
        }
        out.append(10)
    }

    static func appendQuoted(_ value: [UInt8], to out: inout [UInt8]) {
        out.append(34)
        for byte in value {
            out.append(byte)
            if byte == 34 { out.append(34) }
        }
        out.append(34)
    }
}
