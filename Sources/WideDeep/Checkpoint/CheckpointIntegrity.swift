import SafeTensors

/// What a checkpoint must prove before its model is built, beyond the SafeTensors structure: its
/// checksums are there (format version 1: per tensor; version 2 adds one over the metadata), its
/// counters and recorded config are in the ranges a run can produce, and every tensor holds values
/// of its kind's domain. A bit flip that renames or removes a checksum is then an error, not a
/// file loaded unchecked.
enum CheckpointIntegrity {
    /// The metadata key of the CRC32C over every other metadata entry (format version 2 on).
    static let metadataChecksumKey = "metadata_crc32c"
    /// Largest step, epoch, example count or epoch offset a checkpoint may record: far above any
    /// real run (2^50 examples), far enough below `Int.max` that sums of them cannot overflow.
    static let maxCounter = 1 << 50
    /// Largest magnitude of a stored parameter or optimizer value. Training keeps values far
    /// below it (a larger one saturates every product it enters); a forged one would make
    /// predictions infinite.
    static let maxMagnitude: Float = 1e20

    /// The CRC32C of the metadata without its own checksum entry: each key and value as UTF-8,
    /// keys in byte order, each string followed by a 0 byte (which neither can contain unescaped
    /// in a way that moves a boundary).
    static func metadataChecksum(_ metadata: [String: String]) -> UInt32 {
        var bytes: [UInt8] = []
        for key in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where key != metadataChecksumKey {
            bytes += Array(key.utf8) + [0] + Array(metadata[key]!.utf8) + [0]
        }
        return CRC32C.checksum(bytes)
    }

    /// Adds the metadata checksum (the last entry written).
    static func seal(_ metadata: inout [String: String]) {
        metadata[metadataChecksumKey] = CRC32C.hex(metadataChecksum(metadata))
    }

    /// The checks on the header alone: format version known, tensor checksums present, metadata
    /// checksum present from version 2 and right whenever present.
    static func checkHeader(_ header: SafeTensorsHeader, version: Int, path: String) throws {
        guard version >= 1 else {
            throw CheckpointError(path: path, "format version \(version) does not exist (versions start at 1)")
        }
        guard header.checksums != nil else {
            throw CheckpointError(path: path, "has no tensor checksums (metadata '\(SafeTensorsFile.checksumMetadataKey)'); every wdl checkpoint has them, so the file is damaged")
        }
        guard let stored = header.metadata[metadataChecksumKey] else {
            if version >= 2 {
                throw CheckpointError(path: path, "has no metadata checksum ('\(metadataChecksumKey)'), which format version \(version) always has; the file is damaged")
            }
            return
        }
        let actual = metadataChecksum(header.metadata)
        guard CRC32C.parseHex(stored) == actual else {
            throw CheckpointError(path: path, "metadata checksum mismatch (stored \(stored), computed \(CRC32C.hex(actual))): the header is corrupt")
        }
    }

    /// A counter read from the metadata, in `0...maxCounter`.
    static func counter(_ metadata: [String: String], _ key: String, path: String) throws -> Int {
        guard let value = metadata[key].flatMap(Int.init), (0...maxCounter).contains(value) else {
            throw CheckpointError(path: path, "metadata '\(key)' is missing or not an integer in 0…\(maxCounter)")
        }
        return value
    }

    /// The recorded config passes the config file's validator; the fitted layout is one fitting
    /// can produce for it (`FeatureLayout.fittingProblem`); the model mode and hashing scheme
    /// recorded beside them are the config's and this wdl's.
    static func checkConfig(_ config: RunConfig, layout: FeatureLayout, metadata: [String: String], path: String) throws {
        do { try config.validate() } catch let error as ConfigError {
            throw CheckpointError(path: path, "the recorded config is invalid: \(error.message)")
        }
        if let problem = layout.fittingProblem(config: config) {
            throw CheckpointError(path: path, "metadata 'layout' is not one training produces: \(problem)")
        }
        if let mode = metadata["model_mode"], mode != config.model.mode.rawValue {
            throw CheckpointError(path: path, "metadata 'model_mode' is '\(mode)' but the recorded config's model.mode is '\(config.model.mode.rawValue)'")
        }
        if let hashing = metadata["hashing"], hashing != Checkpoint.hashingScheme {
            throw CheckpointError(path: path, "metadata 'hashing' names another hashing scheme than this wdl's; its wide ids and embedding rows would not match")
        }
        // A run's id is a lowercase UUID (`TrainingRun.runID`); it is shown and served as it is.
        if let runID = metadata[CheckpointMetadata.runIDKey], !isRunID(runID) {
            throw CheckpointError(path: path, "metadata 'run_id' is not a run id (a lowercase UUID such as 0f8e…-…)")
        }
    }

    /// Whether `text` is a lowercase UUID: 8-4-4-4-12 hexadecimal digits.
    static func isRunID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12]
            && groups.allSatisfy { $0.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) } }
    }

    /// `wide.group_of` holds a feature group of the layout per coordinate, or `untouched`.
    static func checkGroups(_ name: String, _ values: [UInt16], groups: Int, path: String) throws {
        if let index = values.firstIndex(where: { Int($0) >= groups && $0 != WideLinear.untouched }) {
            throw CheckpointError(path: path, "tensor '\(name)' holds group \(values[index]) at index \(index); the layout has \(groups) feature groups")
        }
    }

    /// A `touched` flag is 0 or 1.
    static func checkFlags(_ name: String, _ values: [UInt8], path: String) throws {
        if let index = values.firstIndex(where: { $0 > 1 }) {
            throw CheckpointError(path: path, "tensor '\(name)' holds \(values[index]) at index \(index) where a touched flag is 0 or 1")
        }
    }

    /// Every value of a float tensor is finite and within `maxMagnitude`; sums of squares
    /// (FTRL n, AdaGrad accumulators, Adam v: their entries' domain) are not negative.
    static func checkDomain(_ name: String, _ values: [Float], domain: ValueDomain, path: String) throws {
        let nonNegative = domain == .nonNegative
        for (index, value) in values.enumerated() {
            guard value.isFinite else {
                throw CheckpointError(path: path, "tensor '\(name)' holds a NaN or infinite value at index \(index)")
            }
            guard abs(value) <= maxMagnitude else {
                throw CheckpointError(path: path, "tensor '\(name)' holds \(value) at index \(index), beyond ±\(maxMagnitude)")
            }
            guard !nonNegative || value >= 0 else {
                throw CheckpointError(path: path, "tensor '\(name)' holds the negative value \(value) at index \(index); it is a sum of squares")
            }
        }
    }

    /// A model's logits for `dataPath` are all finite; a non-finite one is an error, never an
    /// empty output line or a NaN metric reported as success.
    /// `logits` are the parsed rows' from `firstRow` on (a block of a streamed prediction).
    static func checkPredictions(_ logits: [Float], firstRow: Int = 0, checkpoint path: String, dataPath: String) throws {
        if let bad = logits.firstIndex(where: { !$0.isFinite }) {
            throw CheckpointError(path: path, "its prediction for the \(firstRow + bad + 1). parsed row of \(dataPath) is not finite; the model's weights are unusable")
        }
    }
}
