import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// gzip and zstd input: decoded against what the `gzip` and `zstd` tools write, told by content
/// not name, several members or frames, and damaged archives refused at their byte offset.
final class CompressedInputTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// Bytes of varied content (not all compressible) with line ends, as a data file has.
    private func content(lines: Int, seed: UInt64 = 5) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        var text = ""
        for i in 0..<lines { text += "\(i)\t\(generator.next() % 1000)\t\(String(generator.next(), radix: 16))\n" }
        return Array(text.utf8)
    }

    /// Runs a compression tool on `input` and returns its standard output.
    private func tool(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        guard let path = ["/usr/bin/\(arguments[0])", "/bin/\(arguments[0])"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("\(arguments[0]) is not installed")
        }
        let source = try folder.write("tool-input-\(arguments[0])", bytes: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = Array(arguments.dropFirst()) + [source]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let bytes = [UInt8](out.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(arguments)")
        return bytes
    }

    private func gzipCLI(_ bytes: [UInt8]) throws -> [UInt8] { try tool(["gzip", "-c", "-n"], input: bytes) }
    private func zstdCLI(_ bytes: [UInt8]) throws -> [UInt8] { try tool(["zstd", "-q", "-c"], input: bytes) }

    /// The content through `ByteSource` in reads of `chunk` bytes (small reads cross every
    /// internal buffer boundary).
    private func readAll(_ path: String, chunk: Int) throws -> [UInt8] {
        let source = try ByteSource(path: path)
        var out: [UInt8] = []
        while try source.read(into: &out, count: chunk) > 0 {}
        return out
    }

    func testGzipAndZstdFromTheToolsDecodeToTheOriginalInAnyReadSize() throws {
        let original = content(lines: 40_000)  // ~1 MB: several input buffers
        for (name, archive) in [("a.gz", try gzipCLI(original)), ("a.zst", try zstdCLI(original))] {
            XCTAssertLessThan(archive.count, original.count * 3 / 4, name)
            let path = try folder.write(name, bytes: archive)
            for chunk in [1 << 20, 4096, 7] where chunk > 100 || name == "a.gz" {
                XCTAssertEqual(try readAll(path, chunk: chunk), original, "\(name), reads of \(chunk)")
            }
            XCTAssertEqual(try DatasetReader.load(path: path), original, name)
        }
    }

    /// The first bytes decide, never the name: gzip named .tsv is decoded, plain text named .gz is read as is.
    func testCompressionIsToldByMagicBytesNotTheName() throws {
        let original = content(lines: 200)
        XCTAssertEqual(try Compression.detect([0x1F, 0x8B, 8, 0, 0, 0], file: "x"), .gzip)
        XCTAssertEqual(try Compression.detect([0x28, 0xB5, 0x2F, 0xFD, 0, 0], file: "x"), .zstd)
        XCTAssertEqual(try Compression.detect([0x50, 0x2A, 0x4D, 0x18, 0, 0], file: "x"), .zstd, "a skippable frame first")
        XCTAssertEqual(try Compression.detect(Array("0\t1\t".utf8), file: "x"), .plain)
        XCTAssertEqual(try Compression.detect([0x1F], file: "x"), .plain, "one byte is too short to be gzip")
        assertContains(thrownDescription { _ = try Compression.detect([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], file: "logs.xz") },
                       "logs.xz", "xz archive", "gzip and zstd")
        XCTAssertEqual(try Compression.detect(Array("BZhour,click\n".utf8), file: "x"), .plain, "a header that starts like bzip2")
        assertContains(thrownDescription { _ = try Compression.detect(Array("BZh91AY&SY".utf8), file: "a.bz2") }, "a.bz2", "bzip2 archive")
        let gzipNamedPlain = try folder.write("rows.tsv", bytes: try gzipCLI(original))
        let plainNamedGzip = try folder.write("rows.gz", bytes: original)
        XCTAssertEqual(try ByteSource(path: gzipNamedPlain).compression, .gzip)
        XCTAssertEqual(try readAll(gzipNamedPlain, chunk: 1 << 16), original)
        XCTAssertEqual(try ByteSource(path: plainNamedGzip).compression, .plain)
        XCTAssertEqual(try readAll(plainNamedGzip, chunk: 1 << 16), original)
    }

    /// `cat a.gz b.gz` and `cat a.zst b.zst` decode to the two contents one after the other.
    func testConcatenatedGzipMembersAndZstdFramesDecodeWhole() throws {
        let a = content(lines: 3000, seed: 1), b = content(lines: 5000, seed: 2)
        for (name, encode) in [("m.gz", gzipCLI), ("m.zst", zstdCLI)] {
            let path = try folder.write(name, bytes: try encode(a) + encode(b))
            XCTAssertEqual(try readAll(path, chunk: 1000), a + b, name)
        }
    }

    /// A file cut short is an error at the byte it stops at (its size), naming the file; the
    /// same file whole reads fine, so the error is the cut, not the content.
    func testTruncatedArchiveIsAnErrorAtItsLastByte() throws {
        let original = content(lines: 20_000)
        for (name, archive) in [("t.gz", try gzipCLI(original)), ("t.zst", try zstdCLI(original))] {
            for cut in [archive.count / 3, archive.count - 1] {
                let path = try folder.write(name, bytes: Array(archive.prefix(cut)))
                let message = thrownDescription { _ = try self.readAll(path, chunk: 1 << 16) }
                assertContains(message, path, "truncated", "ends at byte \(cut)")
                // In memory and streamed readers say the same.
                assertContains(thrownDescription { _ = try DatasetReader.load(path: path) }, path, "byte \(cut)")
            }
        }
    }

    /// Damaged bytes inside the data, and bytes after the last member or frame, are errors with
    /// an offset inside the file.
    func testCorruptArchiveIsAnErrorWithItsOffset() throws {
        let original = content(lines: 20_000)
        for (name, kind, archive) in [("c.gz", "gzip", try gzipCLI(original)), ("c.zst", "zstd", try zstdCLI(original))] {
            var damaged = archive
            for i in (archive.count / 2)..<(archive.count / 2 + 8) { damaged[i] ^= 0xA5 }
            let path = try folder.write(name, bytes: damaged)
            let message = thrownDescription { _ = try self.readAll(path, chunk: 1 << 16) }
            assertContains(message, path, "corrupt \(kind) data at byte")
            let offset = Int(message.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }.first ?? -1)
            XCTAssertTrue((0...archive.count).contains(offset), "\(message): the offset lies in the file")
            let trailing = try folder.write("trail-" + name, bytes: archive + Array("not an archive".utf8))
            assertContains(thrownDescription { _ = try self.readAll(trailing, chunk: 1 << 16) }, trailing,
                           "after the end of the \(kind) data at byte \(archive.count)")
        }
    }

    /// Blocks of a gzip file end at line ends and join to the content, as a plain file's do.
    func testBlockReaderCutsDecompressedContentAtLineEnds() throws {
        let original = content(lines: 10_000)
        let path = try folder.write("b.gz", bytes: try gzipCLI(original))
        let reader = try BlockReader(path: path, blockBytes: 10_000)
        var joined: [UInt8] = [], blocks = 0
        while let block = try reader.next() {
            XCTAssertEqual(block.last, 10)
            XCTAssertLessThan(block.count, 10_000 + 100, "a block is its size plus at most one line")
            joined += block
            blocks += 1
        }
        XCTAssertTrue(reader.finished)
        XCTAssertEqual(joined, original)
        XCTAssertGreaterThan(blocks, 10)
        XCTAssertEqual(reader.fileBytesRead, reader.fileBytes, "the whole compressed file was consumed")
    }

    /// A Criteo file gzip'd parses to exactly the plain file's rows, in memory and streamed.
    func testCompressedCriteoParsesLikeThePlainFile() throws {
        let bytes = SyntheticCTR(seed: 3).generate(rows: 3000).bytes
        let plain = try folder.write("c.tsv", bytes: bytes)
        let zipped = try folder.write("c.tsv.zst", bytes: try zstdCLI(bytes))
        let reader = DatasetReader(schema: .criteo(), threads: 2)
        let a = try reader.read(path: plain), b = try reader.read(path: zipped)
        XCTAssertEqual(a.count, 3000)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertEqual(a.categorical, b.categorical)
        XCTAssertEqual(a.numeric.map(\.bitPattern), b.numeric.map(\.bitPattern))
        let streamed = try StreamingReader(path: zipped, schema: .criteo(), strict: false, threads: 2, blockBytes: 50_000)
        var labels: [Float] = []
        while let pieces = try streamed.next() { for p in pieces { labels += p.labels } }
        XCTAssertEqual(labels, a.labels)
    }

    /// NUL bytes inside a field are part of its value whether the file is compressed or not:
    /// the gzip'd file parses to the plain file's rows.
    func testNulBytesInACompressedStreamReadAsInThePlainFile() throws {
        var bytes = SyntheticCTR(seed: 6).generate(rows: 500).bytes
        let cut = bytes.firstIndex(of: 10)! + 20
        bytes.insert(contentsOf: [0, 0, 65, 0], at: cut)
        let plain = try folder.write("nul.tsv", bytes: bytes)
        let zipped = try folder.write("nul.gz", bytes: try CompressedReadBenchmark.gzip(bytes, level: 6))
        let reader = DatasetReader(schema: .criteo())
        let a = try reader.read(path: plain), b = try reader.read(path: zipped)
        XCTAssertEqual(a.count + a.skippedRows, 500)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertEqual(a.categorical, b.categorical)
        XCTAssertEqual(a.skippedRows, b.skippedRows)
        XCTAssertEqual(a.errors.map(\.message), b.errors.map(\.message))
    }
}
