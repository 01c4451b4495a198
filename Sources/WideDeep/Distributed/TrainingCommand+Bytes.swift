/// Commands as rank 0 broadcasts them to the other ranks of a job at a step boundary.
extension TrainingCommand {
    /// The commands as bytes: per command a tag, and for `.set` the key's length, the key and
    /// the value's bits.
    static func encode(_ commands: [TrainingCommand]) -> [UInt8] {
        var bytes: [UInt8] = []
        for command in commands {
            switch command {
            case .pause: bytes.append(0)
            case .resume: bytes.append(1)
            case .evaluateNow: bytes.append(2)
            case .saveCheckpoint: bytes.append(3)
            case .rollBack: bytes.append(4)
            case .stop: bytes.append(5)
            case .stopWithoutSaving: bytes.append(7)
            case .set(let parameter, let value):
                let key = Array(parameter.rawValue.utf8)
                bytes.append(6)
                bytes.append(UInt8(key.count))
                bytes += key
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
            }
        }
        return bytes
    }

    /// The commands `encode` wrote (the same program on every rank, so every key is known).
    static func decode(_ bytes: [UInt8]) -> [TrainingCommand] {
        var commands: [TrainingCommand] = [], at = 0
        while at < bytes.count {
            let tag = bytes[at]
            at += 1
            switch tag {
            case 0: commands.append(.pause)
            case 1: commands.append(.resume)
            case 2: commands.append(.evaluateNow)
            case 3: commands.append(.saveCheckpoint)
            case 4: commands.append(.rollBack)
            case 5: commands.append(.stop)
            case 7: commands.append(.stopWithoutSaving)
            default:
                let length = Int(bytes[at])
                let key = String(decoding: bytes[(at + 1)..<(at + 1 + length)], as: UTF8.self)
                at += 1 + length
                var bits: UInt64 = 0
                for k in 0..<8 { bits |= UInt64(bytes[at + k]) << (8 * k) }
                at += 8
                commands.append(.set(Hyperparameter(rawValue: key)!, Double(bitPattern: bits)))
            }
        }
        return commands
    }
}
