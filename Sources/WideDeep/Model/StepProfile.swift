import Dispatch

/// Wall-clock time spent in each phase of the training step, summed over the steps it watched
/// (`WideDeepModel.profile`; `wdl bench` prints it). Reading the clock costs tens of
/// nanoseconds a phase, against milliseconds a step.
/// Sendable: owned by the model whose steps it times (one step at a time, on the caller's thread).
public final class StepProfile: @unchecked Sendable {
    public enum Phase: Int, CaseIterable, Sendable {
        /// Wide logits and the deep part's input rows (scattered reads).
        case gather
        /// The dense layers' forward products.
        case denseForward
        /// σ(z) − y and the logloss.
        case loss
        /// The dense layers' backward products (weight and input gradients).
        case denseBackward
        /// Every optimizer step: FTRL on the wide part, AdaGrad on the dense layers and embeddings.
        case updates

        public var label: String {
            switch self {
            case .gather: "gather (wide logits, embedding rows)"
            case .denseForward: "dense forward"
            case .loss: "loss"
            case .denseBackward: "dense backward"
            case .updates: "updates (FTRL, AdaGrad, embeddings)"
            }
        }
    }

    public private(set) var seconds = [Double](repeating: 0, count: Phase.allCases.count)
    public private(set) var steps = 0
    private var mark: UInt64 = 0
    /// Between `beginStep` and `endStep`: the forward pass of a prediction charges nothing.
    private var inStep = false

    public init() {}

    func beginStep() {
        steps += 1
        inStep = true
        mark = DispatchTime.now().uptimeNanoseconds
    }

    /// Charges the time since the last mark to `phase`, the step's last.
    func endStep(_ phase: Phase) {
        lap(phase)
        inStep = false
    }

    /// Charges the time since the last mark to `phase`.
    func lap(_ phase: Phase) {
        guard inStep else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        seconds[phase.rawValue] += Double(now - mark) / 1e9
        mark = now
    }

    public var total: Double { seconds.reduce(0, +) }
}
