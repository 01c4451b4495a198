/// The byte layout of a file about to be written: tensor order, offsets and the encoded header.
///
/// Order: by element size descending, then by name (UTF-8 byte order) — the order the reference
/// implementation uses. Since the data section starts 8-byte aligned, every tensor then starts at
/// a multiple of its element size, so readers that map the file can use the data in place.
///
/// Header JSON: `__metadata__` first (keys sorted, omitted when empty), then the tensors in data
/// order, each as `{"dtype":…,"shape":[…],"data_offsets":[b,e]}`, no insignificant whitespace,
/// padded with spaces to make 8 + header length a multiple of 8. Equal inputs give equal bytes.
struct Layout {
    let ordered: [(name: String, tensor: Tensor)]
    /// 8-byte little-endian length followed by the padded JSON header.
    let prefix: [UInt8]

    var dataLength: Int { ordered.reduce(0) { $0 + $1.tensor.bytes.count } }

    init(metadata: [String: String], tensors: [String: Tensor], checksums: Bool) throws {
        for name in tensors.keys where name == SafeTensorsFile.metadataKey {
            throw SafeTensorsError.invalidTensorName(name: name, reason: "reserved for metadata")
        }
        ordered = tensors.map { (name: $0.key, tensor: $0.value) }.sorted { a, b in
            if a.tensor.dtype.size != b.tensor.dtype.size { return a.tensor.dtype.size > b.tensor.dtype.size }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }

        var metadata = metadata
        if checksums {
            guard metadata[SafeTensorsFile.checksumMetadataKey] == nil else {
                throw SafeTensorsError.reservedMetadataKey(key: SafeTensorsFile.checksumMetadataKey)
            }
            metadata[SafeTensorsFile.checksumMetadataKey] = Layout.checksumJSON(ordered)
        }

        var json: [UInt8] = []
        json.reserveCapacity(256 + ordered.count * 96 + metadata.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count })
        json.append(0x7B)  // {
        var first = true
        func separator() {
            if !first { json.append(0x2C) }
            first = false
        }
        if !metadata.isEmpty {
            separator()
            JSON.appendQuoted(SafeTensorsFile.metadataKey, to: &json)
            json += Array(":{".utf8)
            var firstKey = true
            for key in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                if !firstKey { json.append(0x2C) }
                firstKey = false
                JSON.appendQuoted(key, to: &json)
                json.append(0x3A)
                JSON.appendQuoted(metadata[key]!, to: &json)
            }
            json.append(0x7D)
        }
        var offset = 0
        for (name, tensor) in ordered {
            separator()
            JSON.appendQuoted(name, to: &json)
            let end = offset + tensor.bytes.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            json += Array(":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}".utf8)
            offset = end
        }
        json.append(0x7D)  // }
        let padding = (8 - json.count % 8) % 8
        json += [UInt8](repeating: 0x20, count: padding)

        var prefix = [UInt8](repeating: 0, count: 8)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { prefix.replaceSubrange(0..<8, with: $0) }
        prefix += json
        self.prefix = prefix
    }

    /// `{"name":"crc hex",…}` sorted by name.
    private static func checksumJSON(_ ordered: [(name: String, tensor: Tensor)]) -> String {
        var out: [UInt8] = [0x7B]
        let byName = ordered.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for (index, entry) in byName.enumerated() {
            if index > 0 { out.append(0x2C) }
            JSON.appendQuoted(entry.name, to: &out)
            out.append(0x3A)
            JSON.appendQuoted(CRC32C.hex(CRC32C.checksum(entry.tensor.bytes)), to: &out)
        }
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }
}
