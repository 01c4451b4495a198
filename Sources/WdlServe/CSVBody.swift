/// A `text/csv` predict body made ready for the model's reader: Criteo lines as they are; CSV
/// lines under the model's header when the body has none, or the body's own header (every column
/// it names must be the model's; columns it leaves out are added, empty: missing values).
struct CSVBody {
    let columns: RequestColumns

    /// The bytes to read, and how many lines were put before the body's first line (so that a
    /// reader's line number minus it is the body's).
    struct Prepared {
        var bytes: [UInt8]
        var linesAdded: Int
    }

    func prepare(_ body: [UInt8]) throws(RequestError) -> Prepared {
        var body = body
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
        guard body.contains(where: { $0 != 10 && $0 != 13 && $0 != 32 && $0 != 9 }) else {
            throw RequestError(.emptyBody, "the body has no rows")
        }
        guard columns.format == .csv else { return Prepared(bytes: body, linesAdded: 0) }
        let headerEnd = body.firstIndex(of: 10) ?? body.count
        var headerLine = Array(body[..<headerEnd])
        if headerLine.last == 13 { headerLine.removeLast() }
        let names = Self.fields(headerLine, delimiter: columns.delimiter)
        guard let first = names.first, columns.slots[first] != nil else {
            return Prepared(bytes: columns.header + body, linesAdded: 1)
        }
        if let unknown = names.first(where: { columns.slots[$0] == nil }) {
            throw RequestError(.unknownColumn, "line 1: unknown column '\(unknown)' in the header; the model's columns are \(columns.accepted)",
                               field: unknown, line: 1)
        }
        guard body[min(body.count, headerEnd + 1)...].contains(where: { $0 != 10 && $0 != 13 && $0 != 32 && $0 != 9 }) else {
            throw RequestError(.emptyBody, "the body has a header and no rows")
        }
        let missing = columns.names.filter { !names.contains($0) }
        guard !missing.isEmpty else { return Prepared(bytes: body, linesAdded: 0) }
        // Each missing column: its name on the header, an empty field on every data line.
        var out: [UInt8] = headerLine
        for name in missing {
            out.append(columns.delimiter)
            RequestColumns.appendQuoted(Array(name.utf8), to: &out)
        }
        out.append(10)
        let padding = [UInt8](repeating: columns.delimiter, count: missing.count)
        var start = min(body.count, headerEnd + 1)
        while start < body.count {
            let end = body[start...].firstIndex(of: 10) ?? body.count
            var contentEnd = end
            if contentEnd > start && body[contentEnd - 1] == 13 { contentEnd -= 1 }
            out += body[start..<contentEnd]
            // A blank line is not a row: it stays blank.
            if body[start..<contentEnd].contains(where: { $0 != 32 && $0 != 9 }) { out += padding }
            out.append(10)
            start = end + 1
        }
        return Prepared(bytes: out, linesAdded: 0)
    }

    /// A header's names: split at the delimiter, spaces trimmed, one pair of quotes removed
    /// (doubled quotes undone), as the reader reads a header.
    static func fields(_ line: [UInt8], delimiter: UInt8) -> [String] {
        var names: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var i = 0
        func finish() {
            var bytes = field[...]
            if !quoted {
                while bytes.first == 32 { bytes.removeFirst() }
                while bytes.last == 32 { bytes.removeLast() }
            }
            names.append(String(decoding: bytes, as: UTF8.self))
            field.removeAll()
        }
        var inQuotes = false
        quoted = false
        while i < line.count {
            let byte = line[i]
            if inQuotes {
                if byte == 34 {
                    if i + 1 < line.count && line[i + 1] == 34 { field.append(34); i += 2; continue }
                    inQuotes = false
                } else {
                    field.append(byte)
                }
            } else if byte == 34 && field.allSatisfy({ $0 == 32 }) {
                field.removeAll()
                inQuotes = true
                quoted = true
            } else if byte == delimiter {
                finish()
                quoted = false
            } else if !(quoted && byte == 32) {
                field.append(byte)
            }
            i += 1
        }
        finish()
        return names
    }
}
