/// Examples per second of training time over the last `window` seconds of training.
public struct ThroughputMeter: Sendable {
    public let window: Double
    private var samples: [(examples: Int, seconds: Double)] = []
    private var examples = 0
    private var seconds = 0.0

    public init(window: Double) { self.window = window }

    public mutating func add(examples count: Int, seconds took: Double) {
        samples.append((count, took))
        examples += count
        seconds += took
        while seconds - (samples.first?.seconds ?? 0) > window, samples.count > 1 {
            let first = samples.removeFirst()
            examples -= first.examples
            seconds -= first.seconds
        }
    }

    public var rate: Double { seconds > 0 ? Double(examples) / seconds : 0 }
}
