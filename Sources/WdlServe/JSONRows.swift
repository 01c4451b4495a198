/// Reads a predict request's JSON body, `{"rows": [{"column": value, …}, …]}`, straight into
/// lines of the model's data format (`RequestColumns`), keeping every value's text as sent: a
/// number's digits as written (so it is parsed by the same number parser, to the same float, as
/// in a training file), a string's characters unescaped. null and a missing key are missing
/// values; a multi-valued field may also be given as an array of strings.
///
/// A purpose-built reader rather than a general JSON decoder: a decoder turns numbers into
/// Doubles (losing the digits) and does not say which row and field a bad value is in.
struct JSONRows {
    let columns: RequestColumns
    let maxRows: Int

    /// The lines and how many rows they hold.
    struct Lines {
        var bytes: [UInt8]
        var rows: Int
    }

    func lines(from body: [UInt8]) throws(RequestError) -> Lines {
        try body.withUnsafeBufferPointer { (buffer) throws(RequestError) -> Lines in
            var scanner = Scanner(bytes: buffer)
            var out = Lines(bytes: columns.header, rows: 0)
            try scanner.expect(UInt8(ascii: "{"), "the body must be a JSON object {\"rows\": [...]}")
            var sawRows = false
            if try !scanner.consume(UInt8(ascii: "}")) {
                repeat {
                    let key = try scanner.string(row: nil, field: nil)
                    try scanner.expect(UInt8(ascii: ":"), "expected ':' after a key")
                    guard key == Array("rows".utf8), !sawRows else {
                        throw RequestError(.malformedJSON, sawRows ? "the key 'rows' appears twice"
                                           : "unknown key '\(String(decoding: key, as: UTF8.self))': the body is {\"rows\": [...]}")
                    }
                    sawRows = true
                    try readRows(&scanner, into: &out)
                } while try scanner.consume(UInt8(ascii: ","))
                try scanner.expect(UInt8(ascii: "}"), "expected ',' or '}' after the rows")
            }
            guard sawRows else { throw RequestError(.malformedJSON, "the body has no 'rows' key: it is {\"rows\": [...]}") }
            scanner.skipSpace()
            guard scanner.atEnd else { throw scanner.error("unexpected text after the JSON object") }
            return out
        }
    }

    private func readRows(_ scanner: inout Scanner, into out: inout Lines) throws(RequestError) {
        try scanner.expect(UInt8(ascii: "["), "'rows' must be an array of objects")
        if try scanner.consume(UInt8(ascii: "]")) { return }
        var values = [[UInt8]?](repeating: nil, count: columns.names.count)
        repeat {
            let row = out.rows
            guard row < maxRows else {
                throw RequestError(.tooManyRows, "more than \(maxRows) rows in one request (the server's --max-rows); split it", row: row)
            }
            for i in values.indices { values[i] = nil }
            try scanner.expect(UInt8(ascii: "{"), "row \(row) is not an object", row: row)
            if try !scanner.consume(UInt8(ascii: "}")) {
                repeat {
                    let keyBytes = try scanner.string(row: row, field: nil)
                    let key = String(decoding: keyBytes, as: UTF8.self)
                    try scanner.expect(UInt8(ascii: ":"), "expected ':' after a key", row: row, field: key)
                    guard let slot = columns.slots[key] else {
                        throw RequestError(.unknownColumn, "row \(row): unknown column '\(key)'; the model's columns are \(columns.accepted)",
                                           row: row, field: key)
                    }
                    let value = try scanner.value(row: row, field: key, separator: slot.flatMap { columns.separators[$0] })
                    if let slot {
                        guard values[slot] == nil else {
                            throw RequestError(.malformedJSON, "row \(row): column '\(key)' is given twice", row: row, field: key)
                        }
                        values[slot] = value
                    }
                } while try scanner.consume(UInt8(ascii: ","))
                try scanner.expect(UInt8(ascii: "}"), "row \(row): expected ',' or '}'", row: row)
            }
            columns.appendLine(values, to: &out.bytes)
            out.rows += 1
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"), "expected ',' or ']' after row \(out.rows - 1)")
    }
}

/// A cursor over JSON text that reports the byte offset of what it could not read.
private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    var atEnd: Bool { at >= bytes.count }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 32 || bytes[at] == 9 || bytes[at] == 10 || bytes[at] == 13 { at += 1 }
    }

    func error(_ message: String, row: Int? = nil, field: String? = nil) -> RequestError {
        RequestError(.malformedJSON, "\(message) (at byte \(at))", row: row, field: field)
    }

    mutating func consume(_ byte: UInt8) throws(RequestError) -> Bool {
        skipSpace()
        guard at < bytes.count else { throw error("the JSON text ends early") }
        if bytes[at] == byte { at += 1; return true }
        return false
    }

    mutating func expect(_ byte: UInt8, _ message: String, row: Int? = nil, field: String? = nil) throws(RequestError) {
        guard try consume(byte) else { throw error(message, row: row, field: field) }
    }

    /// A value of a row: a string's bytes, a number's text, nil for null; an array of strings
    /// joined by `separator` for a multi-valued field. Anything else is the wrong type.
    mutating func value(row: Int, field: String, separator: UInt8?) throws(RequestError) -> [UInt8]? {
        skipSpace()
        guard at < bytes.count else { throw error("the JSON text ends early", row: row, field: field) }
        switch bytes[at] {
        case 34:
            let text = try string(row: row, field: field)
            if text.contains(10) || text.contains(13) {
                throw RequestError(.invalidValue, "row \(row), column '\(field)': a value cannot hold a line break", row: row, field: field)
            }
            return text
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number(row: row, field: field)
        case UInt8(ascii: "n"):
            try word("null", row: row, field: field)
            return nil
        case UInt8(ascii: "["):
            guard let separator else { break }
            at += 1
            var joined: [UInt8] = []
            if try consume(UInt8(ascii: "]")) { return joined }
            var first = true
            repeat {
                skipSpace()
                guard at < bytes.count, bytes[at] == 34 else {
                    throw RequestError(.wrongType, "row \(row), column '\(field)': a multi-valued field's array holds strings only", row: row, field: field)
                }
                let part = try string(row: row, field: field)
                if part.contains(separator) || part.contains(10) || part.contains(13) {
                    throw RequestError(.invalidValue, "row \(row), column '\(field)': a value holds the field's separator or a line break", row: row, field: field)
                }
                if !first { joined.append(separator) }
                first = false
                joined += part
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"), "expected ',' or ']' in column '\(field)'", row: row, field: field)
            return joined
        default:
            break
        }
        let what: String
        switch bytes[at] {
        case UInt8(ascii: "t"), UInt8(ascii: "f"): what = "a boolean"
        case UInt8(ascii: "{"): what = "an object"
        case UInt8(ascii: "["): what = "an array"
        default: throw error("row \(row), column '\(field)': not a JSON value", row: row, field: field)
        }
        throw RequestError(.wrongType, "row \(row), column '\(field)': \(what); give a string or a number (null for a missing value)",
                           row: row, field: field)
    }

    private mutating func word(_ text: StaticString, row: Int, field: String) throws(RequestError) {
        let count = text.utf8CodeUnitCount
        guard at + count <= bytes.count,
              (0..<count).allSatisfy({ bytes[at + $0] == text.utf8Start[$0] }) else {
            throw error("row \(row), column '\(field)': not a JSON value", row: row, field: field)
        }
        at += count
    }

    /// A JSON number's text, checked against JSON's grammar.
    private mutating func number(row: Int, field: String) throws(RequestError) -> [UInt8] {
        let start = at
        func digits() -> Int {
            let from = at
            while at < bytes.count, bytes[at] &- 48 < 10 { at += 1 }
            return at - from
        }
        if bytes[at] == UInt8(ascii: "-") { at += 1 }
        let leadingZero = at < bytes.count && bytes[at] == UInt8(ascii: "0")
        let integer = digits()
        var valid = integer > 0 && !(leadingZero && integer > 1)
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") { at += 1; valid = valid && digits() > 0 }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            valid = valid && digits() > 0
        }
        guard valid else { throw error("row \(row), column '\(field)': a malformed number", row: row, field: field) }
        return Array(bytes[start..<at])
    }

    /// A string's bytes with escapes undone; refuses invalid UTF-8 and raw control characters.
    mutating func string(row: Int?, field: String?) throws(RequestError) -> [UInt8] {
        skipSpace()
        guard at < bytes.count, bytes[at] == 34 else { throw error("expected a string", row: row, field: field) }
        at += 1
        var out: [UInt8] = []
        while true {
            guard at < bytes.count else { throw error("a string is not closed", row: row, field: field) }
            let byte = bytes[at]
            if byte == 34 { at += 1; return out }
            if byte < 0x20 { throw error("a raw control character in a string", row: row, field: field) }
            if byte == 92 {
                guard at + 1 < bytes.count else { throw error("a string is not closed", row: row, field: field) }
                let escape = bytes[at + 1]
                at += 2
                switch escape {
                case 34, 92, 47: out.append(escape)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(row: row, field: field)
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard at + 1 < bytes.count, bytes[at] == 92, bytes[at + 1] == UInt8(ascii: "u") else {
                            throw error("a lone UTF-16 surrogate in a \\u escape", row: row, field: field)
                        }
                        at += 2
                        let low = try hex4(row: row, field: field)
                        guard (0xDC00..<0xE000).contains(low) else {
                            throw error("a lone UTF-16 surrogate in a \\u escape", row: row, field: field)
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw error("a lone UTF-16 surrogate in a \\u escape", row: row, field: field)
                    }
                    out += String(Unicode.Scalar(scalar)!).utf8
                default:
                    throw error("an unknown escape \\\(Unicode.Scalar(escape))", row: row, field: field)
                }
                continue
            }
            if byte < 0x80 { out.append(byte); at += 1; continue }
            let length = try utf8Length(at: at, row: row, field: field)
            out += bytes[at..<(at + length)]
            at += length
        }
    }

    private mutating func hex4(row: Int?, field: String?) throws(RequestError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw error("a \\u escape needs four hex digits", row: row, field: field) }
        var value: UInt32 = 0
        for i in 0..<4 {
            let b = bytes[at + i]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - 55)
            default: throw error("a \\u escape needs four hex digits", row: row, field: field)
            }
            value = value << 4 | digit
        }
        at += 4
        return value
    }

    /// The length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no
    /// surrogates, nothing past U+10FFFF).
    private func utf8Length(at i: Int, row: Int?, field: String?) throws(RequestError) -> Int {
        let b0 = bytes[i]
        let (length, low, high): (Int, UInt8, UInt8)
        switch b0 {
        case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
        case 0xED: (length, low, high) = (3, 0x80, 0x9F)
        case 0xE1...0xEF: (length, low, high) = (3, 0x80, 0xBF)
        case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
        case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
        case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
        default: length = 0; low = 0; high = 0
        }
        var valid = length > 0 && i + length <= bytes.count
        if valid {
            valid = (low...high).contains(bytes[i + 1]) && (2..<length).allSatisfy { (0x80...0xBF).contains(bytes[i + $0]) }
        }
        guard valid else {
            throw RequestError(.notUTF8, "the body is not valid UTF-8 (at byte \(i))", row: row, field: field)
        }
        return length
    }
}
