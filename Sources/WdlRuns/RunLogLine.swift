import Foundation
import WideDeep

/// One line of a metrics log, typed (`RunRecord` writes them): the start record, an evaluation,
/// an event marked on charts, or another event, which only says where the run was.
enum RunLogLine {
    case start(name: String?, config: [String: String], seconds: Double?)
    case evaluation(RunLog.Evaluation)
    case marker(RunLog.Marker, seconds: Double?)
    case event(seconds: Double?)
    /// The run ended without its final evaluation: how (`diverged`, `failed`) and why.
    case end(state: String, message: String?, seconds: Double?)

    /// The record on `line` (1-based) of `file`; nil for a blank line.
    static func parse(_ bytes: some Collection<UInt8>, file: String, line: Int) throws(DataError) -> RunLogLine? {
        guard bytes.contains(where: { !Self.isSpace($0) }) else { return nil }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw DataError(file: file, line: line, "not a JSON object")
        }
        let fields = Fields(object: object, file: file, line: line)
        guard let event = object["event"] else { return .evaluation(try fields.evaluation()) }
        guard let kind = event as? String else { throw fields.error("\"event\" is not a string") }
        let seconds = try fields.number("seconds")
        switch kind {
        case "start":
            let config = (object["config"] as? [String: Any]).map { RunLogLine.flatten($0) } ?? [:]
            return .start(name: try fields.string("run"), config: config, seconds: seconds)
        case "hyperparameter", "checkpoint", "rollback":
            let marker = RunLog.Marker(kind: RunLog.Marker.Kind(rawValue: kind)!, step: try fields.integer("step"),
                                       examples: try fields.integer("examples"),
                                       message: try fields.string("message") ?? kind)
            return .marker(marker, seconds: seconds)
        case "end":
            return .end(state: try fields.string("state") ?? "ended", message: try fields.string("message"), seconds: seconds)
        default:
            return .event(seconds: seconds)
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 13 || byte == 10 }

    /// A nested JSON object as `"a.b.c": "value"` pairs; arrays and numbers as JSON writes them.
    static func flatten(_ object: [String: Any], prefix: String = "") -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in object {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if let nested = value as? [String: Any] {
                result.merge(flatten(nested, prefix: path)) { $1 }
            } else {
                result[path] = describe(value)
            }
        }
        return result
    }

    private static func describe(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if let text = value as? String { return text }
        if let number = value as? NSNumber {
            return Fields.isBoolean(number) ? (number.boolValue ? "true" : "false") : "\(number)"
        }
        if let array = value as? [Any] { return "[" + array.map(describe).joined(separator: ", ") + "]" }
        if let object = value as? [String: Any] {
            return "{" + object.keys.sorted().map { "\($0): \(describe(object[$0]!))" }.joined(separator: ", ") + "}"
        }
        return "\(value)"
    }
}

/// Typed reads of a JSON object's members, each failure naming the file, line and key.
private struct Fields {
    let object: [String: Any]
    let file: String
    let line: Int

    func error(_ message: String) -> DataError { DataError(file: file, line: line, message) }

    /// JSON's true and false come back as NSNumbers too (of Foundation's boolean subclass);
    /// they are not numbers here.
    static func isBoolean(_ number: NSNumber) -> Bool {
        String(describing: type(of: number)).contains("Boolean")
    }

    /// A number, or nil when absent or null (the log writes NaN and infinities as null).
    func number(_ key: String) throws(DataError) -> Double? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, !Fields.isBoolean(number) else {
            throw error("\"\(key)\" is not a number")
        }
        return number.doubleValue
    }

    /// A whole number that must be there.
    func integer(_ key: String) throws(DataError) -> Int {
        guard let value = try optionalInteger(key) else { throw error("a record without \"\(key)\"") }
        return value
    }

    func optionalInteger(_ key: String) throws(DataError) -> Int? {
        guard let value = try number(key) else { return nil }
        guard value.rounded() == value, abs(value) < 9.0e15 else { throw error("\"\(key)\" is not a whole number") }
        return Int(value)
    }

    func string(_ key: String) throws(DataError) -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw error("\"\(key)\" is not a string") }
        return text
    }

    func flag(_ key: String) throws(DataError) -> Bool {
        guard let value = object[key], !(value is NSNull) else { return false }
        guard let number = value as? NSNumber, Fields.isBoolean(number) else { throw error("\"\(key)\" is not true or false") }
        return number.boolValue
    }

    func evaluation() throws(DataError) -> RunLog.Evaluation {
        var best: RunLog.Best?
        if let metric = try string("best_metric") {
            best = RunLog.Best(metric: metric, auc: try number("best_valid_auc"),
                               logloss: try number("best_valid_logloss"), step: try integer("best_step"))
        }
        return RunLog.Evaluation(
            step: try integer("step"), epoch: try optionalInteger("epoch"), examples: try integer("examples"),
            seconds: try number("seconds"), trainLogloss: try number("train_logloss"),
            validLogloss: try number("valid_logloss"), validAUC: try number("valid_auc"),
            validAccuracy: try number("valid_accuracy"), best: best, final: try flag("final"),
            ranks: try optionalInteger("ranks"), batch: try optionalInteger("batch"))
    }
}
