/// Where one tensor lives in a file, as declared by the header.
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: DType
    public let shape: [Int]
    /// Byte range within the data section (which starts right after the header).
    public let dataOffsets: Range<Int>

    public var byteCount: Int { dataOffsets.count }
}

/// The validated header of a safetensors file: everything but the tensor data. Reading only the
/// header is cheap, for listing a file's contents without loading it.
public struct SafeTensorsHeader: Sendable, Equatable {
    /// `__metadata__`, without the checksum entry (see `checksums`).
    public let metadata: [String: String]
    /// Tensors in data order (by offset).
    public let tensors: [TensorInfo]
    /// Stored CRC32C per tensor name, if the file has checksum metadata.
    public let checksums: [String: UInt32]?
    /// Length of the JSON header in bytes (including padding), excluding the 8-byte prefix.
    public let headerLength: Int
    /// Size of the data section in bytes.
    public let dataLength: Int

    /// Offset of the data section from the start of the file.
    public var dataStart: Int { 8 + headerLength }

    /// Validates header JSON against a data section of `dataLength` bytes. Checks, in order: JSON
    /// well formed and an object; `__metadata__` an object of strings; each entry an object with
    /// a known dtype, a shape of non-negative integers, two integer offsets with begin ≤ end ≤
    /// `dataLength`, and a byte count equal to product(shape) × dtype size; then that the tensors
    /// tile the data section exactly (no overlap, no gap, nothing trailing); then the checksum
    /// metadata, if present, lists exactly the tensors in the file.
    static func decode(_ json: [UInt8], dataLength: Int, path: String) throws -> SafeTensorsHeader {
        let root: JSON
        do {
            root = try JSON.parse(json)
        } catch {
            throw SafeTensorsError.invalidHeader(
                path: path, reason: "not a safetensors file (header is not JSON: \(error.message) at byte \(8 + error.offset))")
        }
        guard case let .object(members) = root else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "not a safetensors file (header is a JSON \(root.kind), not an object)")
        }

        var metadata: [String: String] = [:]
        var infos: [TensorInfo] = []
        infos.reserveCapacity(members.count)
        // Sorted so that, with several bad entries, the error reported does not depend on hashing.
        for (name, entry) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            if name == SafeTensorsFile.metadataKey {
                metadata = try decodeMetadata(entry, path: path)
            } else {
                infos.append(try decodeEntry(name: name, entry, dataLength: dataLength, path: path))
            }
        }

        try checkTiling(&infos, dataLength: dataLength, path: path)

        var checksums: [String: UInt32]?
        if let text = metadata.removeValue(forKey: SafeTensorsFile.checksumMetadataKey) {
            checksums = try decodeChecksums(text, tensors: infos, path: path)
        }
        return SafeTensorsHeader(metadata: metadata, tensors: infos, checksums: checksums,
                                 headerLength: json.count, dataLength: dataLength)
    }

    private static func decodeMetadata(_ value: JSON, path: String) throws -> [String: String] {
        if value == .null { return [:] }
        guard case let .object(members) = value else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "__metadata__ is a JSON \(value.kind), not an object")
        }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case let .string(text) = value else {
                throw SafeTensorsError.invalidHeader(path: path, reason: "__metadata__ value for '\(key)' is a JSON \(value.kind), not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func decodeEntry(name: String, _ entry: JSON, dataLength: Int, path: String) throws -> TensorInfo {
        func bad(_ reason: String) -> SafeTensorsError {
            .invalidTensorEntry(path: path, tensor: name, reason: reason)
        }
        guard case let .object(fields) = entry else { throw bad("entry is a JSON \(entry.kind), not an object") }

        guard let dtypeValue = fields["dtype"] else { throw bad("missing 'dtype'") }
        guard case let .string(dtypeName) = dtypeValue else { throw bad("dtype is a JSON \(dtypeValue.kind), not a string") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw SafeTensorsError.unknownDType(path: path, tensor: name, dtype: dtypeName)
        }

        guard let shapeValue = fields["shape"] else { throw bad("missing 'shape'") }
        guard case let .array(dims) = shapeValue else { throw bad("shape is a JSON \(shapeValue.kind), not an array") }
        var shape: [Int] = []
        for dim in dims {
            guard let n = dim.unsignedInteger, n <= UInt64(Int.max) else {
                throw bad("shape element \(dim.brief) is not a non-negative integer")
            }
            shape.append(Int(n))
        }

        guard let offsetsValue = fields["data_offsets"] else { throw bad("missing 'data_offsets'") }
        guard case let .array(offsets) = offsetsValue, offsets.count == 2 else {
            throw bad("data_offsets is not an array of two integers")
        }
        guard let begin = offsets[0].unsignedInteger, let end = offsets[1].unsignedInteger else {
            throw bad("data_offsets [\(offsets[0].brief), \(offsets[1].brief)] are not non-negative integers")
        }
        guard begin <= end else { throw bad("data_offsets [\(begin), \(end)] end before they begin") }
        guard end <= UInt64(dataLength) else {
            throw SafeTensorsError.offsetsOutOfBounds(path: path, tensor: name, begin: begin, end: end, dataSize: dataLength)
        }
        let actual = Int(end - begin)

        let expected: Int
        do {
            expected = try Tensor.byteCount(dtype: dtype, shape: shape)
        } catch {
            throw bad("shape \(shape) of \(dtype) is too large (byte size overflows)")
        }
        guard expected == actual else {
            throw SafeTensorsError.sizeMismatch(path: path, tensor: name, dtype: dtype, shape: shape,
                                                expectedBytes: expected, actualBytes: actual)
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: Int(begin)..<Int(end))
    }

    /// Sorts `infos` by offset and requires them to cover [0, dataLength) exactly, as the
    /// reference implementation does: overlapping tensors would alias, and uncovered bytes are
    /// data nobody accounted for.
    private static func checkTiling(_ infos: inout [TensorInfo], dataLength: Int, path: String) throws {
        infos.sort {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound)
        }
        var covered = 0
        var previous: TensorInfo?
        for info in infos {
            if info.dataOffsets.lowerBound < covered, let previous {
                throw SafeTensorsError.overlappingTensors(path: path, first: previous.name, second: info.name)
            }
            if info.dataOffsets.lowerBound > covered {
                throw SafeTensorsError.uncoveredData(path: path, begin: covered, end: info.dataOffsets.lowerBound)
            }
            covered = info.dataOffsets.upperBound
            previous = info
        }
        if covered < dataLength {
            throw SafeTensorsError.uncoveredData(path: path, begin: covered, end: dataLength)
        }
    }

    private static func decodeChecksums(_ text: String, tensors: [TensorInfo], path: String) throws -> [String: UInt32] {
        guard case let .object(members)? = try? JSON.parse(Array(text.utf8)) else {
            throw SafeTensorsError.invalidChecksums(path: path, reason: "not a JSON object")
        }
        var checksums: [String: UInt32] = [:]
        for (name, value) in members {
            guard case let .string(hex) = value, let crc = CRC32C.parseHex(hex) else {
                throw SafeTensorsError.invalidChecksums(path: path, reason: "value for '\(name)' is not 8 hex digits")
            }
            checksums[name] = crc
        }
        let names = Set(tensors.map(\.name))
        if let stray = checksums.keys.sorted().first(where: { !names.contains($0) }) {
            throw SafeTensorsError.invalidChecksums(path: path, reason: "checksum for '\(stray)', which is not in the file")
        }
        if let missing = tensors.first(where: { checksums[$0.name] == nil }) {
            throw SafeTensorsError.invalidChecksums(path: path, reason: "no checksum for tensor '\(missing.name)'")
        }
        return checksums
    }
}
