/// A JSON value written with keys in the order given and numbers exactly: a Double as its
/// shortest round-trip text, so a reader parsing it as float64 gets wdl's value bit for bit
/// (Foundation's serializer does not promise either).
public indirect enum PlainJSON: Equatable, Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([PlainJSON])
    case object([(String, PlainJSON)])

    public static func == (a: PlainJSON, b: PlainJSON) -> Bool { a.text() == b.text() }

    /// The value as JSON text: arrays of scalars and objects of those on one line, others indented.
    public func text(indent: String = "") -> String {
        switch self {
        case .string(let s): return Self.quoted(s)
        case .int(let i): return String(i)
        case .double(let d):
            precondition(d.isFinite, "JSON has no NaN or infinity")
            // Swift's description is the shortest text that parses back to the same Double.
            return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : d.description
        case .bool(let b): return b ? "true" : "false"
        case .array(let items):
            if items.allSatisfy(\.isScalar) { return "[" + items.map { $0.text() }.joined(separator: ", ") + "]" }
            let inner = indent + "  "
            return "[\n" + items.map { inner + $0.text(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members):
            if members.allSatisfy({ $0.1.isFlat }) {
                return "{" + members.map { "\(Self.quoted($0.0)): \($0.1.text())" }.joined(separator: ", ") + "}"
            }
            let inner = indent + "  "
            return "{\n" + members.map { "\(inner)\(Self.quoted($0.0)): \($0.1.text(indent: inner))" }
                .joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// A scalar or a list of scalars: an object of only these fits on one line.
    private var isFlat: Bool {
        if case .array(let items) = self { return items.allSatisfy(\.isScalar) }
        return isScalar
    }

    /// RFC 8259 string escaping: quote, backslash and control characters (and DEL, which a
    /// terminal showing the text would act on).
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
