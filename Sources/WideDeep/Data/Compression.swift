/// How a data file's bytes are stored, told by its first bytes (never its name: a `.gz` export
/// renamed `.tsv`, or a plain file named `.gz`, reads as what it is).
public enum Compression: String, Sendable, Equatable, CaseIterable {
    case plain
    case gzip
    case zstd

    /// Bytes needed to tell the formats apart.
    static let magicBytes = 10

    /// The compression of a file starting with `prefix` (at least `magicBytes` of it, or the whole
    /// file when shorter). Throws for archives wdl does not read (bzip2, xz, zip), naming the file.
    static func detect(_ prefix: [UInt8], file: String) throws -> Compression {
        func starts(_ magic: [UInt8]) -> Bool { prefix.count >= magic.count && Array(prefix.prefix(magic.count)) == magic }
        if starts([0x1F, 0x8B]) { return .gzip }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        // A zstd skippable frame (0x184D2A50…5F, little-endian) may open a zstd file.
        if prefix.count >= 4, prefix[0] & 0xF0 == 0x50, prefix[1] == 0x2A, prefix[2] == 0x4D, prefix[3] == 0x18 { return .zstd }
        let unsupported: [(String, [UInt8])] = [
            ("xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]), ("zip", [0x50, 0x4B, 0x03, 0x04]), ("lz4", [0x04, 0x22, 0x4D, 0x18]),
        ]
        // bzip2: "BZh", the block size digit, then a block's or the stream end's 48-bit magic (so
        // that a CSV whose header starts "BZh" is not taken for one).
        if starts(Array("BZh".utf8)), prefix.count >= 10, (0x31...0x39).contains(prefix[3]),
           [[0x31, 0x41, 0x59, 0x26, 0x53, 0x59], [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]].contains(Array(prefix[4..<10])) {
            throw DataError(file: file, "is a bzip2 archive; wdl reads plain, gzip and zstd files (decompress it first, or recompress with gzip or zstd)")
        }
        for (name, magic) in unsupported where starts(magic) {
            throw DataError(file: file, "is a \(name) archive; wdl reads plain, gzip and zstd files (decompress it first, or recompress with gzip or zstd)")
        }
        return .plain
    }
}
