import Foundation

/// The contents of a safetensors file: string metadata and named tensors. Model-agnostic.
///
/// Checksums: by default `write` stores a CRC32C of every tensor's bytes in the metadata entry
/// `crc32c` (a JSON object, tensor name → 8 lowercase hex digits) and loading verifies them when
/// present. That entry is managed here: it never appears in `metadata` after a load, and writing
/// metadata that already contains it is an error.
public struct SafeTensorsFile: Sendable, Equatable {
    /// The header key holding the string metadata.
    public static let metadataKey = "__metadata__"
    /// The metadata key holding per-tensor CRC32C checksums.
    public static let checksumMetadataKey = "crc32c"

    public var metadata: [String: String]
    public var tensors: [String: Tensor]
    /// Path the file was loaded from (`""` if built in memory); errors from accessors name it.
    public private(set) var sourcePath: String = ""

    public init(metadata: [String: String] = [:], tensors: [String: Tensor] = [:]) {
        self.metadata = metadata
        self.tensors = tensors
    }

    /// Equal when metadata and tensors are equal; `sourcePath` is not compared.
    public static func == (a: SafeTensorsFile, b: SafeTensorsFile) -> Bool {
        a.metadata == b.metadata && a.tensors == b.tensors
    }

    public subscript(name: String) -> Tensor? {
        get { tensors[name] }
        set { tensors[name] = newValue }
    }

    /// Tensor names in UTF-8 byte order.
    public var names: [String] { tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    /// The tensor `name`, or an error naming it and the file.
    public func tensor(named name: String) throws -> Tensor {
        guard let tensor = tensors[name] else { throw SafeTensorsError.missingTensor(path: sourcePath, tensor: name) }
        return tensor
    }

    /// The elements of tensor `name` as `T` (dtype must match exactly), optionally requiring a
    /// shape. Errors name the tensor and the file.
    public func values<T: SafeTensorElement>(named name: String, as type: T.Type = T.self, shape: [Int]? = nil) throws -> [T] {
        let tensor = try tensor(named: name)
        guard tensor.dtype == T.safeTensorsDType else {
            throw SafeTensorsError.dtypeMismatch(path: sourcePath, tensor: name, expected: T.safeTensorsDType, actual: tensor.dtype)
        }
        if let shape, shape != tensor.shape {
            throw SafeTensorsError.shapeMismatch(path: sourcePath, tensor: name, expected: shape, actual: tensor.shape)
        }
        return try tensor.values()
    }

    // MARK: Reading

    public struct ReadOptions: Sendable {
        public enum Checksums: Sendable {
            /// Verify when the file has checksum metadata (the default).
            case verifyIfPresent
            /// Fail with `missingChecksums` when the file has none.
            case require
            /// Do not compute checksums (the metadata is still validated).
            case skip
        }
        public var checksums: Checksums
        /// Headers longer than this are rejected before anything is allocated for them.
        public var maxHeaderLength: Int

        public init(checksums: Checksums = .verifyIfPresent, maxHeaderLength: Int = 100_000_000) {
            self.checksums = checksums
            self.maxHeaderLength = maxHeaderLength
        }
    }

    /// Loads and fully validates a file (see `SafeTensorsHeader.decode` for the checks); nothing
    /// is returned unless every check and every checksum passes.
    ///
    /// The header is validated before any tensor memory is allocated; each tensor is then read
    /// with positioned reads straight into its own buffer — one copy, no whole-file buffer, and
    /// unlike mmap no dependence on the file staying unchanged while the data is used.
    public init(contentsOf url: URL, options: ReadOptions = ReadOptions()) throws {
        let source = try FileSource(path: url.path)
        defer { source.closeFile() }
        try self.init(source: source, path: url.path, options: options)
    }

    /// Parses an in-memory file image with the same checks as loading from disk. `path` only
    /// labels errors.
    public init(bytes: [UInt8], path: String = "<memory>", options: ReadOptions = ReadOptions()) throws {
        try self.init(source: MemorySource(bytes: bytes), path: path, options: options)
    }

    /// Reads and validates only the header: cheap, for listing a file without loading its data.
    public static func readHeader(of url: URL, options: ReadOptions = ReadOptions()) throws -> SafeTensorsHeader {
        let source = try FileSource(path: url.path)
        defer { source.closeFile() }
        return try readHeader(source, path: url.path, options: options)
    }

    private init(source: some ByteSource, path: String, options: ReadOptions) throws {
        let header = try Self.readHeader(source, path: path, options: options)
        var tensors: [String: Tensor] = [:]
        tensors.reserveCapacity(header.tensors.count)
        for info in header.tensors {
            let start = header.dataStart + info.dataOffsets.lowerBound
            let bytes = try [UInt8](unsafeUninitializedCapacity: info.byteCount) { buffer, initialized in
                let read = try source.read(into: UnsafeMutableRawBufferPointer(buffer), at: start)
                guard read == info.byteCount else { throw SafeTensorsError.truncatedData(path: path, tensor: info.name) }
                initialized = read
            }
            if options.checksums != .skip, let expected = header.checksums?[info.name] {
                let actual = CRC32C.checksum(bytes)
                guard actual == expected else {
                    throw SafeTensorsError.checksumMismatch(path: path, tensor: info.name, expected: expected, actual: actual)
                }
            }
            tensors[info.name] = try Tensor(dtype: info.dtype, shape: info.shape, bytes: bytes)
        }
        self.init(metadata: header.metadata, tensors: tensors)
        sourcePath = path
    }

    private static func readHeader(_ source: some ByteSource, path: String, options: ReadOptions) throws -> SafeTensorsHeader {
        guard source.size >= 8 else { throw SafeTensorsError.fileTooShort(path: path, size: source.size) }
        var prefix: UInt64 = 0
        let got = try withUnsafeMutableBytes(of: &prefix) { try source.read(into: $0, at: 0) }
        guard got == 8 else { throw SafeTensorsError.fileTooShort(path: path, size: got) }
        let length = UInt64(littleEndian: prefix)
        // A text file (a CSV given as a checkpoint) is said to be one before its first bytes are
        // read as an absurd header length.
        let startsWithText = withUnsafeBytes(of: prefix) { $0.allSatisfy { (0x20...0x7E).contains($0) || $0 == 9 || $0 == 10 || $0 == 13 } }
        if startsWithText && length > UInt64(source.size - 8) {
            throw SafeTensorsError.invalidHeader(path: path, reason: "not a safetensors file (it starts with text, not a header length)")
        }
        guard length <= UInt64(source.size - 8) else {
            throw SafeTensorsError.headerLengthExceedsFile(path: path, headerLength: length, fileSize: source.size)
        }
        guard length <= UInt64(max(0, options.maxHeaderLength)) else {
            throw SafeTensorsError.headerTooLarge(path: path, headerLength: length, limit: options.maxHeaderLength)
        }
        let count = Int(length)
        let json = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = try source.read(into: UnsafeMutableRawBufferPointer(buffer), at: 8)
        }
        guard json.count == count else {
            throw SafeTensorsError.headerLengthExceedsFile(path: path, headerLength: length, fileSize: 8 + json.count)
        }
        let header = try SafeTensorsHeader.decode(json, dataLength: source.size - 8 - count, path: path)
        if options.checksums == .require, header.checksums == nil {
            throw SafeTensorsError.missingChecksums(path: path)
        }
        return header
    }

    // MARK: Writing

    public struct WriteOptions: Sendable {
        /// Store a CRC32C per tensor in the metadata (see the type's documentation).
        public var checksums: Bool
        /// fsync the file before the rename and the directory after it. Turning it off keeps the
        /// rename's atomicity against a crashing process but not against power loss.
        public var durable: Bool
        /// Test hook: stop after the temporary file is written and synced, before the rename,
        /// leaving the temporary file behind as a crash would.
        var stopBeforeRename = false

        public init(checksums: Bool = true, durable: Bool = true) {
            self.checksums = checksums
            self.durable = durable
        }
    }

    /// Writes atomically (`AtomicFile`): the header and each tensor are streamed to a temporary
    /// file in the same folder, which is fsynced and renamed over `url`; then the folder is
    /// fsynced. A crash at any point leaves either the previous file at `url` or the complete new one.
    public func write(to url: URL, options: WriteOptions = WriteOptions()) throws {
        let layout = try Layout(metadata: metadata, tensors: tensors, checksums: options.checksums)
        try AtomicFile.write(to: url.path, durable: options.durable, stopBeforeRename: options.stopBeforeRename) { output in
            try output.write(layout.prefix)
            for (_, tensor) in layout.ordered { try output.write(tensor.bytes) }
        }
    }

    /// The exact bytes `write` would put in the file, in one buffer (for small files and tests).
    public func serializedBytes(checksums: Bool = true) throws -> [UInt8] {
        let layout = try Layout(metadata: metadata, tensors: tensors, checksums: checksums)
        var out = layout.prefix
        out.reserveCapacity(layout.prefix.count + layout.dataLength)
        for (_, tensor) in layout.ordered { out += tensor.bytes }
        return out
    }
}
