import Hummingbird
import NIOCore

/// Reads a request body with a size limit and a deadline, so that neither a huge body nor a
/// client that sends a little and stalls (slowloris) holds the server.
enum BodyReader {
    /// A body over the limit is read on (and dropped) up to this many times the limit, so the
    /// client, still sending, can read the refusal; past that the connection is closed.
    static let discardFactor = 8

    static func collect(_ body: RequestBody, limit: Int, timeout: Duration) async throws(RequestError) -> [UInt8] {
        do {
            return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
                group.addTask {
                    var bytes: [UInt8] = []
                    var total = 0
                    for try await chunk in body {
                        total += chunk.readableBytes
                        if total <= limit {
                            bytes += chunk.readableBytesView
                        } else if total > limit * discardFactor {
                            throw tooLarge(limit, closing: true)
                        }
                    }
                    if total > limit { throw tooLarge(limit, closing: false) }
                    return bytes
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                let first = try await group.next()!
                group.cancelAll()
                guard let bytes = first else {
                    var error = RequestError(.timeout, "the body did not arrive within \(timeout) of the request's head",
                                             status: .requestTimeout)
                    error.closesConnection = true
                    throw error
                }
                return bytes
            }
        } catch let error as RequestError {
            throw error
        } catch {
            throw RequestError(.unreadableBody, "the body could not be read: \(error)")
        }
    }

    private static func tooLarge(_ limit: Int, closing: Bool) -> RequestError {
        var error = RequestError(.bodyTooLarge, "the body is over the server's limit of \(limit) bytes (--max-body-bytes)",
                                 status: .contentTooLarge)
        error.closesConnection = closing
        return error
    }
}
