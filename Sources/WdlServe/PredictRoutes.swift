import Foundation
import Hummingbird
import NIOCore
import WideDeep

/// The server's routes. Every failure a request can cause is a `RequestError`, answered with its
/// status and JSON; nothing a client sends reaches Hummingbird's 500 path.
struct PredictRoutes: Sendable {
    let server: WdlServer

    func add(to router: Router<BasicRequestContext>) {
        router.post("v1/predict") { request, _ in await timed("/v1/predict") { try await predict(request) } }
        router.get("v1/model") { _, _ in await timed("/v1/model") { json(server.slot.current.descriptionJSON) } }
        router.get("healthz") { _, _ in
            await timed("/healthz") {
                var out = JSONWriter()
                out.raw("{\"status\":\"ok\",\"model\":")
                out.bytes += server.slot.current.identityJSON
                out.raw("}\n")
                return json(out.bytes)
            }
        }
        router.get("metrics") { _, _ in
            await timed("/metrics") {
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(bytes: server.metrics.text)))
            }
        }
    }

    /// Runs a handler, turns a `RequestError` into its response, and counts and times it.
    private func timed(_ path: String, _ handler: () async throws -> Response) async -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await handler()
        } catch let error as RequestError {
            server.metrics.error(error.kind)
            var headers: HTTPFields = [.contentType: "application/json"]
            if error.closesConnection { headers[.connection] = "close" }
            response = Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.json)))
        } catch {
            server.metrics.error(.scoring)
            let refusal = RequestError(.scoring, "\(error)", status: .internalServerError)
            response = Response(status: refusal.status, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(bytes: refusal.json)))
        }
        server.metrics.request(path: path, status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }

    private func json(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func predict(_ request: Request) async throws -> Response {
        let options = server.options
        let media = (request.headers[.contentType] ?? "application/json").split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let csv: Bool
        switch media {
        case "application/json", "": csv = false
        case "text/csv", "text/plain", "text/tab-separated-values": csv = true
        default:
            throw RequestError(.unsupportedMediaType, "Content-Type \(media) is neither application/json nor text/csv",
                               status: .unsupportedMediaType)
        }
        if let announced = request.headers[.contentLength].flatMap(Int.init), announced > options.maxBodyBytes {
            var error = RequestError(.bodyTooLarge, "the body (\(announced) bytes) is over the server's limit of \(options.maxBodyBytes) bytes (--max-body-bytes)",
                                     status: .contentTooLarge)
            error.closesConnection = true
            throw error
        }
        let body = try await BodyReader.collect(request.body, limit: options.maxBodyBytes, timeout: options.bodyTimeout)
        // The model that answers this request, whatever a reload swaps in meanwhile.
        let model = server.slot.current
        let bytes: [UInt8], rows: Int?, linesAdded: Int
        if csv {
            let prepared = try CSVBody(columns: model.columns).prepare(body)
            (bytes, rows, linesAdded) = (prepared.bytes, nil, prepared.linesAdded)
        } else {
            guard !body.isEmpty else { throw RequestError(.emptyBody, "the body is empty; send {\"rows\": [...]}") }
            let lines = try JSONRows(columns: model.columns, maxRows: options.maxRows).lines(from: body)
            (bytes, rows, linesAdded) = (lines.bytes, lines.rows, 0)
        }
        var probabilities: [Float] = []
        if rows != 0 {
            let raw: RawDataset
            do {
                raw = try model.checkpoint.parsePredictionRows(bytes, source: "request")
            } catch let error as DataError {
                throw Self.refusal(error, json: !csv, format: model.columns.format, linesAdded: linesAdded)
            }
            // One line per JSON row, none blank: a row lost here would shift every answer after it.
            if let rows, raw.count != rows {
                throw RequestError(.scoring, "\(rows) rows became \(raw.count) data lines; this is a bug in wdl serve",
                                   status: .internalServerError)
            }
            if csv && raw.count > options.maxRows {
                throw RequestError(.tooManyRows, "more than \(options.maxRows) rows in one request (the server's --max-rows); split it")
            }
            let threads = raw.count >= ServeOptions.parallelRows ? options.threads : 1
            let encoded = model.checkpoint.encodePredictionRows(raw, threads: threads)
            do {
                probabilities = try model.score(encoded, threads: threads, source: "the request")
            } catch let error as CheckpointError {
                throw RequestError(.scoring, error.message, status: .unprocessableContent)
            }
        }
        server.metrics.scored(rows: probabilities.count)
        var out = JSONWriter()
        out.bytes.reserveCapacity(64 + probabilities.count * 12 + model.identityJSON.count)
        out.raw("{\"probabilities\":[")
        for (i, p) in probabilities.enumerated() {
            if i > 0 { out.bytes.append(44) }
            out.probability(p)
        }
        out.raw("],\"model\":")
        out.bytes += model.identityJSON
        out.raw("}\n")
        return json(out.bytes)
    }

    /// A reader's error about the request's lines, said in the request's terms: its row for a
    /// JSON body (lines are written one per row, under a header for CSV models), its line for CSV.
    static func refusal(_ error: DataError, json: Bool, format: DataFormat, linesAdded: Int) -> RequestError {
        guard let line = error.line else { return RequestError(.invalidValue, error.message, field: error.column) }
        if json {
            let row = line - (format == .csv ? 2 : 1)
            let place = error.column.map { "row \(row), column '\($0)'" } ?? "row \(row)"
            return RequestError(.invalidValue, "\(place): \(error.message)", row: row, field: error.column)
        }
        let bodyLine = line - linesAdded
        let place = error.column.map { "line \(bodyLine), column '\($0)'" } ?? "line \(bodyLine)"
        return RequestError(.invalidValue, "\(place): \(error.message)", field: error.column, line: bodyLine)
    }
}
