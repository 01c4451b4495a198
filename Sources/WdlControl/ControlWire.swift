import Foundation
import WideDeep

/// The protocol's constants and its JSON: one object per line, UTF-8, `\n`-terminated. JSON
/// escapes newlines inside strings, so a line is always one whole message.
public enum ControlWire {
    /// The protocol version this build speaks; a hello with another is refused.
    public static let version = 1
    /// The longest line either side accepts. A client's messages are tiny; the server's first
    /// snapshot holds up to a few thousand loss points (a few hundred KB).
    public static let maxClientLine = 64 * 1024
    public static let maxServerLine = 16 * 1024 * 1024

    /// Non-finite figures (a NaN AUC, a diverged loss) are sent as these strings: JSON has none.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity",
                                                                      negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity",
                                                                        negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    /// The message as one line, newline included.
    public static func line(_ message: some Encodable) throws -> [UInt8] {
        Array(try encoder().encode(message)) + [UInt8(ascii: "\n")]
    }

    /// Decodes one line (without its newline); the error names what is wrong, briefly, with any
    /// text of the peer's in it made safe for a terminal (it is shown to the user).
    public static func decode<T: Decodable>(_ type: T.Type, from line: some Collection<UInt8>) throws(ControlError) -> T {
        do {
            return try decoder().decode(T.self, from: Data(line))
        } catch let error as DecodingError {
            throw .protocolViolation(TerminalSafe.escape(describe(error), maxCharacters: 300))
        } catch {
            throw .protocolViolation("not JSON: \(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : " at '\(keys)'"
        }
        switch error {
        case .dataCorrupted(let context):
            // Foundation names no field when a number does not fit its type (1e308 or 1.5 as an Int).
            return context.codingPath.isEmpty ? "not a JSON object (or a number in it does not fit its field)"
                : "\(context.debugDescription)\(path(context))"
        case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type\(path(context)): \(context.debugDescription)"
        @unknown default: return "unreadable message"
        }
    }
}
