/// One rank's sparse gradients of a step as they travel in the exchange: a 24-byte header (the
/// loss's bits, the wide pair count, the field count F), the wide pairs, F row counts, every
/// field's rows, then every field's gradient rows (`dim` floats each). Every part is a multiple
/// of 4 bytes, so in a gathered buffer each part stays 4-byte aligned; received messages are read
/// in place, without copying them into arrays.
struct SparseMessage {
    /// The rank's summed logloss of the step.
    let loss: Double
    let widePairs: UnsafeRawPointer
    let wideCount: Int
    /// Per field: its rows, its gradient rows and their count.
    let fields: [Field]
    /// The message's length in bytes.
    let length: Int

    struct Field {
        let rows: UnsafeRawPointer
        let gradients: UnsafeRawPointer
        let count: Int

        /// Row `j`'s id.
        @inline(__always) func row(_ j: Int) -> Int32 { rows.loadUnaligned(fromByteOffset: 4 * j, as: Int32.self) }
    }

    static let headerBytes = 24
    static let pairStride = MemoryLayout<WideLinear.BatchGradient>.stride

    /// Writes this rank's message into `message` (replacing its contents; its capacity is reused):
    /// the wide pairs and, per table, its step rows and their summed gradient rows.
    static func encode(loss: Double, wide: [WideLinear.BatchGradient], tables: [EmbeddingTable], dim: Int,
                       into message: inout [UInt8]) {
        let rowCount = tables.reduce(0) { $0 + $1.stepRows.count }
        let length = headerBytes + wide.count * pairStride + 4 * tables.count + 4 * rowCount + 4 * rowCount * dim
        message.removeAll(keepingCapacity: true)
        message.reserveCapacity(length)
        for word in [loss.bitPattern, UInt64(wide.count), UInt64(tables.count)] { withUnsafeBytes(of: word) { message += $0 } }
        wide.withUnsafeBytes { message += $0 }
        for table in tables { withUnsafeBytes(of: Int32(table.stepRows.count)) { message += $0 } }
        for table in tables { table.stepRows.withUnsafeBytes { message += $0 } }
        for table in tables {
            table.stepGradients.withUnsafeBytes { message += $0[0..<(4 * table.stepRows.count * dim)] }
        }
        precondition(message.count == length, "sparse message: wrote \(message.count) of \(length) bytes")
    }

    /// The bytes of an encoded message that carry the wide part (its header and pairs); the rest
    /// carry the embeddings.
    static func wideByteCount(of message: UnsafeRawBufferPointer) -> Int {
        headerBytes + Int(message.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) * pairStride
    }

    /// Reads the message at `start` (its bytes must outlive the returned value).
    init(reading start: UnsafeRawPointer, dim: Int) {
        loss = Double(bitPattern: start.loadUnaligned(as: UInt64.self))
        wideCount = Int(start.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let fieldCount = Int(start.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        widePairs = start + Self.headerBytes
        let counts = widePairs + wideCount * Self.pairStride
        let countOf = (0..<fieldCount).map { Int(counts.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        var rows = counts + 4 * fieldCount
        var gradients = rows + 4 * countOf.reduce(0, +)
        var fields: [Field] = []
        fields.reserveCapacity(fieldCount)
        for count in countOf {
            fields.append(Field(rows: rows, gradients: gradients, count: count))
            rows += 4 * count
            gradients += 4 * count * dim
        }
        self.fields = fields
        length = gradients - start
    }

    /// Every rank's message in a gathered buffer (rank order), checking each against its byte count.
    static func messages(in bytes: UnsafeRawBufferPointer, counts: [Int], dim: Int) -> [SparseMessage] {
        var at = 0
        return counts.map { count in
            let message = SparseMessage(reading: bytes.baseAddress! + at, dim: dim)
            precondition(message.length == count, "sparse message: \(message.length) bytes read of \(count)")
            at += count
            return message
        }
    }
}
