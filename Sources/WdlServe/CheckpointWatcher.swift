import Dispatch
import Logging
import ServiceLifecycle
import WideDeep

/// Watches a run directory and swaps in the checkpoint the pick rule names whenever it is a
/// different file (or a new version of one) and loads with every validation passing; one that
/// fails is logged, counted, not tried again until it changes, and the old model keeps serving.
struct CheckpointWatcher: Service {
    let directory: String
    let pick: CheckpointPick
    let interval: Duration
    let replicas: Int
    let slot: ModelSlot
    let metrics: ServeMetrics
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await watch() }
    }

    private func watch() async throws {
        var refused: CheckpointFile?
        do {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                guard let candidate = pick.pick(in: directory), candidate != slot.current.file, candidate != refused else { continue }
                switch await Self.load(candidate, replicas: replicas) {
                case .success(let model):
                    slot.swap(model)
                    metrics.reload(succeeded: true)
                    logger.info("serving \(candidate.path) (step \(model.checkpoint.step))")
                case .failure(let error):
                    refused = candidate
                    metrics.reload(succeeded: false)
                    logger.error("not swapped in, the current model keeps serving: \(error)")
                }
            }
        } catch is CancellationError {
            return  // shutting down
        }
    }

    /// Loads off the concurrency pool: a large checkpoint takes a while to read and check.
    static func load(_ file: CheckpointFile, replicas: Int) async -> Result<ServedModel, any Error> {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: Result { try ServedModel.load(file, replicas: replicas) })
            }
        }
    }
}
