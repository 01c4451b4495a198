import Hummingbird

/// A request the server refuses, answered with its status and a JSON error that names where the
/// fault is: the row (0-based index into `rows`) and field of a JSON body, the line of a CSV body.
struct RequestError: Error, Equatable {
    var status: HTTPResponse.Status
    /// A stable word for clients and for the `/metrics` error counter.
    var kind: Kind
    var message: String
    var row: Int?
    var field: String?
    var line: Int?
    /// Close the connection after the answer: the rest of the request will not be read.
    var closesConnection = false

    enum Kind: String, CaseIterable {
        case malformedJSON = "malformed_json"
        case unreadableBody = "unreadable_body"
        case notUTF8 = "not_utf8"
        case wrongType = "wrong_type"
        case unknownColumn = "unknown_column"
        case invalidValue = "invalid_value"
        case tooManyRows = "too_many_rows"
        case bodyTooLarge = "body_too_large"
        case emptyBody = "empty_body"
        case unsupportedMediaType = "unsupported_media_type"
        case timeout = "timeout"
        case scoring = "scoring"
    }

    init(_ kind: Kind, _ message: String, row: Int? = nil, field: String? = nil, line: Int? = nil,
         status: HTTPResponse.Status = .badRequest) {
        self.status = status
        self.kind = kind
        self.message = message
        self.row = row
        self.field = field
        self.line = line
    }

    /// `{"error": {"kind": …, "message": …, "row": …, "field": …, "line": …}}`.
    var json: [UInt8] {
        var out = JSONWriter()
        out.raw("{\"error\":{\"kind\":")
        out.string(kind.rawValue)
        out.raw(",\"message\":")
        out.string(message)
        if let row { out.raw(",\"row\":\(row)") }
        if let field { out.raw(",\"field\":"); out.string(field) }
        if let line { out.raw(",\"line\":\(line)") }
        out.raw("}}\n")
        return out.bytes
    }
}
