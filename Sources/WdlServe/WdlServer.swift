import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals
import WideDeep

/// `wdl serve`: an HTTP server (Hummingbird 2 on SwiftNIO) that scores raw rows with a
/// checkpoint through the same reader, encoder and model calls as `wdl predict`.
///
/// Routes: `POST /v1/predict`, `GET /v1/model`, `GET /healthz`, `GET /metrics`.
public final class WdlServer: Sendable {
    public let options: ServeOptions
    let slot: ModelSlot
    let metrics = ServeMetrics()
    let logger: Logger
    /// The running service group, for `shutdown()`.
    private let group = Mutex<ServiceGroup?>(nil)

    /// Loads the model (the pick rule's checkpoint of a directory); throws when there is none or
    /// it does not validate.
    public init(options: ServeOptions) throws {
        self.options = options
        var logger = Logger(label: "wdl.serve", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .info
        self.logger = logger
        let file: CheckpointFile
        if Self.isDirectory(options.model) {
            guard let picked = options.pick.pick(in: options.model) else {
                throw ServeError("\(options.model) holds no checkpoint (best.safetensors, step-N.safetensors or final.safetensors)")
            }
            file = picked
        } else {
            guard let regular = CheckpointFile(path: options.model) else {
                throw ServeError("\(options.model) is not a checkpoint file or a directory")
            }
            file = regular
        }
        slot = ModelSlot(try ServedModel.load(file, replicas: options.replicas))
    }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// The model answering now.
    public var modelPath: String { slot.current.checkpoint.path }

    /// Serves until `signals` (SIGTERM, SIGINT by default) or `shutdown()`: then stops taking
    /// connections, lets the requests in flight finish, and returns. `onRunning` gets the port.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint], onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router(context: BasicRequestContext.self)
        let maxBodyBytes = options.maxBodyBytes
        let idle = options.idleTimeout.components
        let idleTimeout = TimeAmount.nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)
        PredictRoutes(server: self).add(to: router)
        let app = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [CloseAfterRefusal(), ContinueExpected(maxBodyBytes: maxBodyBytes)], idleTimeout: idleTimeout)),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "wdl-serve"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        var services: [any Service] = [app]
        if Self.isDirectory(options.model) {
            services.append(CheckpointWatcher(directory: options.model, pick: options.pick, interval: options.pollInterval, replicas: options.replicas,
                                              slot: slot, metrics: metrics, logger: logger))
        }
        let serviceGroup = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                             gracefulShutdownSignals: signals, logger: logger))
        group.withLock { $0 = serviceGroup }
        do {
            try await serviceGroup.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE || error.errnoCode == EADDRNOTAVAIL {
            throw ServeError("cannot listen on \(options.host):\(options.port): \(String(cString: strerror(error.errnoCode)))")
        }
    }

    /// Starts the graceful shutdown `run` does on SIGTERM.
    public func shutdown() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }
}

/// A reason the server cannot start.
public struct ServeError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
