/// A command on the wire: `{"kind": "pause"}`, `{"kind": "set", "parameter": "deep_lr",
/// "value": 0.01}` (docs/control-protocol.md).
extension TrainingCommand: Codable {
    private enum Key: String, CodingKey { case kind, parameter, value }

    /// The `kind` of each command; `set` carries `parameter` and `value` too.
    public static let wireKinds = ["pause", "resume", "set", "evaluateNow", "saveCheckpoint", "rollBack", "stop",
                                   "stopWithoutSaving"]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "pause": self = .pause
        case "resume": self = .resume
        case "set":
            let key = try c.decode(String.self, forKey: .parameter)
            guard let parameter = Hyperparameter(rawValue: key) else {
                let known = Hyperparameter.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorruptedError(forKey: .parameter, in: c,
                                                       debugDescription: "unknown hyperparameter '\(key)' (known: \(known))")
            }
            self = .set(parameter, try c.decode(Double.self, forKey: .value))
        case "evaluateNow": self = .evaluateNow
        case "saveCheckpoint": self = .saveCheckpoint
        case "rollBack": self = .rollBack
        case "stop": self = .stop
        case "stopWithoutSaving": self = .stopWithoutSaving
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c,
                debugDescription: "unknown command '\(kind)' (known: \(Self.wireKinds.joined(separator: ", ")))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .pause: try c.encode("pause", forKey: .kind)
        case .resume: try c.encode("resume", forKey: .kind)
        case .set(let parameter, let value):
            try c.encode("set", forKey: .kind)
            try c.encode(parameter.rawValue, forKey: .parameter)
            try c.encode(value, forKey: .value)
        case .evaluateNow: try c.encode("evaluateNow", forKey: .kind)
        case .saveCheckpoint: try c.encode("saveCheckpoint", forKey: .kind)
        case .rollBack: try c.encode("rollBack", forKey: .kind)
        case .stop: try c.encode("stop", forKey: .kind)
        case .stopWithoutSaving: try c.encode("stopWithoutSaving", forKey: .kind)
        }
    }
}
