/// Everything that can go wrong reading, writing or accessing safetensors data.
///
/// `path` is the file the error concerns (as given by the caller; `"<memory>"` for in-memory
/// buffers, `""` when no file is involved, e.g. building a tensor). `tensor` names the tensor
/// (`""` when not known). `description` reads "path: what is wrong".
public enum SafeTensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed (`operation` says which, `message` is strerror).
    case io(path: String, operation: String, message: String)
    case notRegularFile(path: String)
    /// Shorter than the 8-byte header length prefix.
    case fileTooShort(path: String, size: Int)
    case headerLengthExceedsFile(path: String, headerLength: UInt64, fileSize: Int)
    case headerTooLarge(path: String, headerLength: UInt64, limit: Int)
    /// The header is not JSON, not an object, has a malformed `__metadata__`, ...
    case invalidHeader(path: String, reason: String)
    /// A tensor entry is malformed (missing field, wrong JSON type, bad shape or offsets).
    case invalidTensorEntry(path: String, tensor: String, reason: String)
    case unknownDType(path: String, tensor: String, dtype: String)
    case offsetsOutOfBounds(path: String, tensor: String, begin: UInt64, end: UInt64, dataSize: Int)
    /// The byte range's length is not product(shape) × dtype size.
    case sizeMismatch(path: String, tensor: String, dtype: DType, shape: [Int], expectedBytes: Int, actualBytes: Int)
    case overlappingTensors(path: String, first: String, second: String)
    /// Bytes of the data section that belong to no tensor (a gap, or trailing bytes).
    case uncoveredData(path: String, begin: Int, end: Int)
    /// The file ended before the data the header promised (it shrank while being read).
    case truncatedData(path: String, tensor: String)
    case checksumMismatch(path: String, tensor: String, expected: UInt32, actual: UInt32)
    case missingChecksums(path: String)
    case invalidChecksums(path: String, reason: String)
    case missingTensor(path: String, tensor: String)
    case dtypeMismatch(path: String, tensor: String, expected: DType, actual: DType)
    case shapeMismatch(path: String, tensor: String, expected: [Int], actual: [Int])
    /// A shape with a negative dimension, or whose byte size overflows `Int`.
    case invalidShape(shape: [Int], reason: String)
    /// Raw bytes handed to a tensor do not match its dtype and shape.
    case byteCountMismatch(dtype: DType, shape: [Int], expectedBytes: Int, actualBytes: Int)
    case invalidTensorName(name: String, reason: String)
    /// The caller's metadata uses a key this module writes itself.
    case reservedMetadataKey(key: String)

    public var description: String {
        switch self {
        case let .io(path, operation, message):
            return Self.prefixed(path, "\(operation) failed: \(message)")
        case let .notRegularFile(path):
            return Self.prefixed(path, "not a regular file")
        case let .fileTooShort(path, size):
            return Self.prefixed(path, "not a safetensors file (\(size) bytes, shorter than the 8-byte header length)")
        case let .headerLengthExceedsFile(path, length, fileSize):
            return Self.prefixed(path, "header length \(length) exceeds file size \(fileSize) (truncated, or not a safetensors file)")
        case let .headerTooLarge(path, length, limit):
            return Self.prefixed(path, "header length \(length) exceeds the limit of \(limit) bytes")
        case let .invalidHeader(path, reason):
            return Self.prefixed(path, reason)
        case let .invalidTensorEntry(path, tensor, reason):
            return Self.prefixed(path, "tensor '\(tensor)': \(reason)")
        case let .unknownDType(path, tensor, dtype):
            return Self.prefixed(path, "tensor '\(tensor)': unknown dtype '\(dtype)'")
        case let .offsetsOutOfBounds(path, tensor, begin, end, dataSize):
            return Self.prefixed(path, "tensor '\(tensor)': data_offsets [\(begin), \(end)] outside the data section of \(dataSize) bytes")
        case let .sizeMismatch(path, tensor, dtype, shape, expected, actual):
            return Self.prefixed(path, "tensor '\(tensor)': \(dtype) \(shape) needs \(expected) bytes but data_offsets span \(actual)")
        case let .overlappingTensors(path, first, second):
            return Self.prefixed(path, "tensors '\(first)' and '\(second)' overlap")
        case let .uncoveredData(path, begin, end):
            return Self.prefixed(path, "data bytes [\(begin), \(end)) belong to no tensor")
        case let .truncatedData(path, tensor):
            return Self.prefixed(path, "file ended inside the data of tensor '\(tensor)'")
        case let .checksumMismatch(path, tensor, expected, actual):
            return Self.prefixed(path, "tensor '\(tensor)': checksum mismatch (CRC32C stored \(CRC32C.hex(expected)), computed \(CRC32C.hex(actual))); the data is corrupt")
        case let .missingChecksums(path):
            return Self.prefixed(path, "no checksums in metadata, but checksums are required")
        case let .invalidChecksums(path, reason):
            return Self.prefixed(path, "invalid checksum metadata: \(reason)")
        case let .missingTensor(path, tensor):
            return Self.prefixed(path, "no tensor named '\(tensor)'")
        case let .dtypeMismatch(path, tensor, expected, actual):
            return Self.prefixed(path, Self.named(tensor, "dtype is \(actual), expected \(expected)"))
        case let .shapeMismatch(path, tensor, expected, actual):
            return Self.prefixed(path, Self.named(tensor, "shape is \(actual), expected \(expected)"))
        case let .invalidShape(shape, reason):
            return "invalid shape \(shape): \(reason)"
        case let .byteCountMismatch(dtype, shape, expected, actual):
            return "\(dtype) \(shape) needs \(expected) bytes, got \(actual)"
        case let .invalidTensorName(name, reason):
            return "invalid tensor name '\(name)': \(reason)"
        case let .reservedMetadataKey(key):
            return "metadata key '\(key)' is reserved for checksums written by SafeTensors"
        }
    }

    private static func prefixed(_ path: String, _ message: String) -> String {
        path.isEmpty ? message : "\(path): \(message)"
    }

    private static func named(_ tensor: String, _ message: String) -> String {
        tensor.isEmpty ? message : "tensor '\(tensor)': \(message)"
    }
}
