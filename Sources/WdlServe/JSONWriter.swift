/// Builds a JSON text by hand: the responses are small and fixed in shape, and the probabilities
/// must be written in Float's shortest exact form (as `wdl predict` writes them), which a
/// Double-based encoder would not keep.
struct JSONWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ text: String) { bytes += text.utf8 }

    /// A JSON string literal; control characters and invalid UTF-8 are escaped or replaced.
    mutating func string(_ text: String) {
        bytes.append(34)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": bytes += [92, 34]
            case "\\": bytes += [92, 92]
            case "\n": bytes += [92, 110]
            case "\r": bytes += [92, 114]
            case "\t": bytes += [92, 116]
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    bytes += "\\u\(String(repeating: "0", count: 4 - hex.count))\(hex)".utf8
                } else {
                    bytes += String(scalar).utf8
                }
            }
        }
        bytes.append(34)
    }

    /// A probability: Float's shortest form that reads back to the same Float; NaN as null.
    mutating func probability(_ p: Float) {
        if p.isNaN { raw("null") } else { bytes += p.description.utf8 }
    }
}
