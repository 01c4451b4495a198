import Dispatch
import Foundation
import Synchronization
import WdlServe
import XCTest

/// A `WdlServer` running in this process on an ephemeral loopback port, stopped by `stop()` the
/// way SIGTERM stops it (graceful shutdown: the requests in flight finish).
final class RunningServer: Sendable {
    let server: WdlServer
    let port: Int
    private let finished = DispatchSemaphore(value: 0)
    private let outcome = Locked<String?>(nil)

    init(_ options: ServeOptions) throws {
        var options = options
        options.port = 0
        server = try WdlServer(options: options)
        let started = DispatchSemaphore(value: 0)
        let bound = Locked(0)
        let server = self.server, finished = self.finished, outcome = self.outcome
        Task {
            do {
                try await server.run(signals: []) { port in
                    bound.withLock { $0 = port }
                    started.signal()
                }
                outcome.withLock { $0 = "stopped" }
            } catch {
                outcome.withLock { $0 = "failed: \(error)" }
                started.signal()
            }
            finished.signal()
        }
        guard started.wait(timeout: .now() + 60) == .success, bound.withLock({ $0 }) > 0 else {
            throw LoopbackConnection.Failure(description: "the server did not start: \(outcome.withLock { $0 } ?? "no answer in 60 s")")
        }
        port = bound.withLock { $0 }
    }

    /// Graceful shutdown; returns how `run` ended ("stopped" when it returned normally).
    @discardableResult
    func stop(timeout: Double = 30) -> String? {
        let server = self.server
        Task { await server.shutdown() }
        guard finished.wait(timeout: .now() + timeout) == .success else { return nil }
        return outcome.withLock { $0 }
    }
}

/// A value shared between threads, behind a lock (a class, so closures can share it).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
