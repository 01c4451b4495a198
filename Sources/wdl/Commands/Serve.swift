import ArgumentParser
import Dispatch
import Foundation
import WdlApp
import WdlServe

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a model over HTTP: probabilities for raw rows, as `wdl predict` computes them.",
        discussion: """
        POST /v1/predict takes {"rows": [{"column": value, ...}, ...]} (application/json) or \
        lines of the model's data format (text/csv, with or without the header) and answers \
        {"probabilities": [...], "model": {...}}; GET /v1/model, /healthz and /metrics (Prometheus) \
        describe it. Given a run directory, the server serves the checkpoint --pick names and \
        swaps in a newer one once it loads and validates. SIGTERM or SIGINT: finish the requests \
        in flight, then exit 0. See docs/serving.md.
        """)

    @Option(name: .long, help: "A checkpoint file, or a run's checkpoint directory (watched for newer checkpoints).")
    var model: String

    @Option(name: .long, help: "Address to listen on (loopback unless said otherwise).")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0: any free port, printed at start).")
    var port = 8080

    @Option(name: .long, help: "Checkpoint of a directory to serve: best (best.safetensors, else latest) | latest (newest step-N or final).")
    var pick = "best"

    @Option(name: .long, help: "Largest request body, in bytes.")
    var maxBodyBytes = 16 << 20

    @Option(name: .long, help: "Most rows in one request.")
    var maxRows = 10_000

    @Option(name: .long, help: "Seconds a request's body may take to arrive.")
    var bodyTimeout = 10.0

    @Option(name: .long, help: "Seconds between looks at a watched directory.")
    var poll = 1.0

    @Option(name: .long, help: "Copies of the model in memory: that many requests are scored at once (each copy costs the model's memory).")
    var replicas = 1

    @Option(name: .long, parsing: .unconditional, help: "Threads for scoring large requests.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard CheckpointPick(rawValue: pick) != nil else { throw ValidationError("--pick must be best or latest, got \(pick)") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535, got \(port)") }
        guard maxBodyBytes >= 1 && maxBodyBytes <= 1 << 30 else { throw ValidationError("--max-body-bytes must be 1…1073741824") }
        guard maxRows >= 1 && maxRows <= 1_000_000 else { throw ValidationError("--max-rows must be 1…1000000") }
        guard bodyTimeout > 0 && bodyTimeout <= 3600, poll > 0 && poll <= 3600 else {
            throw ValidationError("--body-timeout and --poll must be more than 0 and at most 3600 seconds")
        }
        guard replicas >= 1 && replicas <= 64 else { throw ValidationError("--replicas must be 1…64, got \(replicas)") }
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be 1…256, got \(threads)") }
    }

    func run() throws {
        var options = ServeOptions(model: model)
        options.host = host
        options.port = port
        options.pick = CheckpointPick(rawValue: pick)!
        options.maxBodyBytes = maxBodyBytes
        options.maxRows = maxRows
        options.bodyTimeout = .milliseconds(Int64(bodyTimeout * 1000))
        options.pollInterval = .milliseconds(Int64(poll * 1000))
        options.threads = threads
        options.replicas = replicas
        let server = try WdlServer(options: options)
        let host = self.host
        let outcome = ServeOutcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run { port in
                    try? StandardOutput.write(line: "serving \(server.modelPath) on http://\(host):\(port)")
                }
            } catch {
                outcome.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
        try StandardOutput.write(line: "wdl serve: stopped")
    }
}

/// How the server's task ended, handed back to the blocked command.
/// Sendable: written by the server's task before it ends, read after the command's wait for it.
private final class ServeOutcome: @unchecked Sendable {
    var error: (any Error)?
}
