import Prometheus

/// What `GET /metrics` reports, in Prometheus's text format (swift-prometheus writes it).
final class ServeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let rows: Counter
    private let reloads: Counter
    private let failedReloads: Counter
    private let predictLatency: DurationHistogram

    /// Latency buckets, in seconds: 100 µs to 10 s (a 1-row request takes well under 1 ms).
    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(10),
    ]

    init() {
        rows = registry.makeCounter(descriptor: Self.name("wdl_serve_rows_scored_total", "Rows scored by POST /v1/predict."))
        reloads = registry.makeCounter(descriptor: Self.name("wdl_serve_reloads_total", "Checkpoints swapped in (ok) or refused by validation (failed)."), labels: [("result", "ok")])
        failedReloads = registry.makeCounter(descriptor: Self.name("wdl_serve_reloads_total", "Checkpoints swapped in (ok) or refused by validation (failed)."), labels: [("result", "failed")])
        predictLatency = registry.makeDurationHistogram(descriptor: Self.name("wdl_serve_request_duration_seconds", "Time from a predict request's head to its response being ready (the body's arrival included)."), labels: [("path", "/v1/predict")], buckets: Self.buckets)
        // Every error kind from the start, so a scrape sees zeros rather than no series.
        for kind in RequestError.Kind.allCases { _ = errorCounter(kind) }
        rows.increment(by: Int64(0))
    }

    func request(path: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.name("wdl_serve_requests_total", "HTTP requests answered, by path and status."), labels: [("path", path), ("status", String(status))]).increment()
        if path == "/v1/predict" { predictLatency.record(duration) }
    }

    func scored(rows count: Int) { rows.increment(by: Int64(count)) }

    func error(_ kind: RequestError.Kind) { errorCounter(kind).increment() }

    func reload(succeeded: Bool) { (succeeded ? reloads : failedReloads).increment() }

    private func errorCounter(_ kind: RequestError.Kind) -> Counter {
        registry.makeCounter(descriptor: Self.name("wdl_serve_errors_total", "Requests refused, by the kind of error."), labels: [("kind", kind.rawValue)])
    }

    /// `wdl_serve_<name>`, the last word of `name` its unit (`total`, `seconds`).
    private static func name(_ name: String, _ help: String) -> MetricNameDescriptor {
        let words = name.split(separator: "_")
        return MetricNameDescriptor(metricName: words.dropLast().joined(separator: "_"), unitName: String(words.last!), helpText: help)
    }

    var text: [UInt8] { registry.emitToBuffer() }
}
