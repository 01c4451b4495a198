import Foundation

/// One key of the run config: where it lives in the YAML and in `RunConfig`, how it is read, its
/// range, the `wdl train` flag that overrides it and its help. `ConfigSchema.keys` is the one table
/// of them; the loader, the flags, the range checks, `--help`, `wdl init`'s template and the
/// README's table are all read from it. The default is the `RunConfig` property's initial value
/// (criteo's: `RunConfig.criteoDefault()`), read through the key path, so it is written once.
public struct ConfigKey: Sendable {
    /// The dotted YAML path, `train.epochs`.
    public let path: String
    /// What the YAML value is, in words ("integer", "list of strings").
    public let type: String
    /// The `wdl train` flag that overrides it (`--epochs`), if any.
    public let flag: String?
    /// One or two sentences: what the value does.
    public let help: String
    /// What an absent optional value means ("none", "the last 10% of the training rows").
    public let whenAbsent: String
    public let check: Check
    /// What a resumed run does with the flag.
    public let onResume: Resume
    /// Whether `wdl init` writes the key with its default (the others it infers from the data or
    /// leaves out).
    public let inTemplate: Bool

    fileprivate let decodeValue: @Sendable (KeyedDecodingContainer<SchemaCodingKey>, inout RunConfig) throws -> Void
    fileprivate let read: @Sendable (RunConfig) -> Any?
    fileprivate let write: @Sendable (Any, inout RunConfig) -> Void

    /// The range a value must be in.
    public enum Check: Sendable {
        case none
        case integer(ClosedRange<Int>)
        /// A finite number in the range.
        case number(ClosedRange<Double>)
        /// A live hyperparameter: its range is the hyperparameter table's.
        case hyperparameter(Hyperparameter)
        /// A rule a range cannot say: the message (naming the key or flag given) for a refused config.
        case rule(@Sendable (RunConfig, _ name: String) -> String?)
    }

    /// A resumed run keeps the checkpoint's layout and random state.
    public enum Resume: Sendable {
        /// The flag applies to the resumed run.
        case applies
        /// The flag would change the saved model's layout: refused.
        case changesLayout
        /// Only a new run reads it (the seed, the sampling while reading): not applied.
        case startOnly
    }

    /// The section (`optim.deep`) and the key in it (`lr`).
    public var section: String { path.split(separator: ".").dropLast().joined(separator: ".") }
    public var name: String { String(path.split(separator: ".").last ?? "") }

    /// The value in `config`; nil for an absent optional.
    public func value(in config: RunConfig) -> Any? { read(config) }

    /// Sets the value (a flag's, of the key's type); a value of another type is a programming error.
    public func set(_ value: Any, in config: inout RunConfig) { write(value, &config) }

    /// Reads the key from its section's container, when present.
    func decode(from container: KeyedDecodingContainer<SchemaCodingKey>, into config: inout RunConfig) throws {
        try decodeValue(container, &config)
    }

    /// Why `config`'s value is refused (the message naming `name`: the key, or a flag); nil when accepted.
    public func problem(in config: RunConfig, naming name: String) -> String? {
        switch check {
        case .none: return nil
        case .integer(let range):
            guard let value = read(config) as? Int, !range.contains(value) else { return nil }
            return "\(name) must be \(range.lowerBound)…\(range.upperBound), got \(value)"
        case .number(let range):
            guard let value = read(config) as? Double, !(value.isFinite && range.contains(value)) else { return nil }
            return "\(name) must be in \(range.lowerBound)…\(range.upperBound), got \(value)"
        case .hyperparameter(let parameter):
            guard let value = read(config) as? Double else { return nil }
            return parameter.validate(value).map { "\(name): \($0)" }
        case .rule(let rule):
            return rule(config, name)
        }
    }

    /// Why a flag's value is refused, checked as it would be in a config; nil when accepted.
    public func problem(withFlagValue value: Any) -> String? {
        var config = RunConfig()
        set(value, in: &config)
        return problem(in: config, naming: flag ?? path)
    }
}

/// A key of any name, to read a section through the schema.
struct SchemaCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension ConfigKey {
    /// A key decoded as `Value` and stored as is.
    static func value<Value: Decodable & Sendable>(
        _ path: String, _ keyPath: WritableKeyPath<RunConfig, Value> & Sendable, type: String, flag: String? = nil,
        check: Check = .none, onResume: Resume = .applies, inTemplate: Bool = false, _ help: String
    ) -> ConfigKey {
        converted(path, keyPath, from: Value.self, type: type, flag: flag, check: check, onResume: onResume,
                  inTemplate: inTemplate, help) { value, _ in value }
    }

    /// A key decoded as `Written` (its YAML form) and turned into `Value`; `convert` throws a
    /// `DecodingError` for a refused value, its container given.
    static func converted<Value: Sendable, Written: Decodable>(
        _ path: String, _ keyPath: WritableKeyPath<RunConfig, Value> & Sendable, from written: Written.Type,
        type: String, flag: String? = nil, check: Check = .none, onResume: Resume = .applies,
        inTemplate: Bool = false, _ help: String,
        convert: @escaping @Sendable (Written, KeyedDecodingContainer<SchemaCodingKey>) throws -> Value
    ) -> ConfigKey {
        let name = String(path.split(separator: ".").last!)
        return ConfigKey(
            path: path, type: type, flag: flag, help: help, whenAbsent: "none", check: check, onResume: onResume,
            inTemplate: inTemplate,
            decodeValue: { container, config in
                if let text = try container.decodeIfPresent(Written.self, forKey: SchemaCodingKey(name)) {
                    config[keyPath: keyPath] = try convert(text, container)
                }
            },
            read: { $0[keyPath: keyPath] },
            write: { value, config in
                guard let typed = value as? Value else { preconditionFailure("\(path) takes \(Value.self), given \(Swift.type(of: value))") }
                config[keyPath: keyPath] = typed
            })
    }

    /// An optional key: absent means `whenAbsent`.
    static func optional<Wrapped: Decodable & Sendable>(
        _ path: String, _ keyPath: WritableKeyPath<RunConfig, Wrapped?> & Sendable, type: String, flag: String? = nil,
        check: Check = .none, onResume: Resume = .applies, whenAbsent: String = "none", _ help: String,
        convert: (@Sendable (Wrapped, KeyedDecodingContainer<SchemaCodingKey>) throws -> Wrapped)? = nil
    ) -> ConfigKey {
        let name = String(path.split(separator: ".").last!)
        return ConfigKey(
            path: path, type: type, flag: flag, help: help, whenAbsent: whenAbsent, check: check, onResume: onResume,
            inTemplate: false,
            decodeValue: { container, config in
                if let value = try container.decodeIfPresent(Wrapped.self, forKey: SchemaCodingKey(name)) {
                    config[keyPath: keyPath] = try convert?(value, container) ?? value
                }
            },
            read: { $0[keyPath: keyPath] },
            write: { value, config in
                guard let typed = value as? Wrapped else { preconditionFailure("\(path) takes \(Wrapped.self), given \(Swift.type(of: value))") }
                config[keyPath: keyPath] = typed
            })
    }

    /// A refusal at a key, as the loader reports it (with the key's line).
    static func refused(_ key: String, in container: KeyedDecodingContainer<SchemaCodingKey>, _ message: String) -> DecodingError {
        DecodingError.dataCorruptedError(forKey: SchemaCodingKey(key), in: container, debugDescription: message)
    }
}
