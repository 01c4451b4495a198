import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Data paths naming several files: a folder, a glob, a list; read as one set with one header,
/// errors naming the part and its own line.
final class InputPartsTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws {
        folder = try TemporaryFolder()
        for sub in ["d", "e", "p", "q"] {
            try FileManager.default.createDirectory(atPath: folder.path(sub), withIntermediateDirectories: true)
        }
    }
    override func tearDown() { folder = nil }

    let header = "site,price,count,click\n"
    private func reader() throws -> DatasetReader { DatasetReader(schema: try DataSchema(config: .clickCSV), threads: 2) }

    /// Files created out of order come back in byte order of their names ("part-10" before
    /// "part-2", upper case before lower), hidden and `_` files left out.
    func testFolderAndGlobListFilesInNameOrder() throws {
        let names = ["part-2", "part-10", "Part-3", "part-1", ".hidden", "_SUCCESS"]
        for name in names { _ = try folder.write("d/\(name)", "x\n") }
        let dir = folder.path("d")
        let expected = ["Part-3", "part-1", "part-10", "part-2"].map { dir + "/" + $0 }
        XCTAssertEqual(try InputParts.expand(dir), expected)
        XCTAssertEqual(try InputParts.expand(dir + "/"), expected)
        XCTAssertEqual(try InputParts.expand(dir + "/part-*"), ["part-1", "part-10", "part-2"].map { dir + "/" + $0 })
        XCTAssertEqual(try InputParts.expand(dir + "/part-?"), ["part-1", "part-2"].map { dir + "/" + $0 })
        // A list keeps the order written; a whole string that names a file is that file.
        XCTAssertEqual(try InputParts.expand("\(dir)/part-2,\(dir)/part-1"), ["\(dir)/part-2", "\(dir)/part-1"])
        let comma = try folder.write("a,b.csv", "x\n")
        XCTAssertEqual(try InputParts.expand(comma), [comma])
        XCTAssertEqual(try InputParts.expand("-"), ["-"])
    }

    func testPathsThatNameNoDataAreRefusedByName() throws {
        try FileManager.default.createDirectory(atPath: folder.path("d/sub"), withIntermediateDirectories: true)
        _ = try folder.write("d/sub/part-0", "x\n")
        assertContains(thrownDescription { _ = try InputParts.expand(self.folder.path("d")) }, "holds the folder 'sub'")
        assertContains(thrownDescription { _ = try InputParts.expand(self.folder.path("none-*.gz")) }, "none-*.gz", "no file matches")
        _ = try folder.write("e/_SUCCESS", "")
        assertContains(thrownDescription { _ = try InputParts.expand(self.folder.path("e")) }, "holds no data files")
        assertContains(thrownDescription { _ = try InputParts.expand("a.csv,,b.csv") }, "item 2", "empty")
        assertContains(thrownDescription { _ = try InputParts.expand("a.csv,-") }, "standard input")
    }

    /// Three parts (one gzip'd by hand with the library, one with a BOM, one empty) read as the
    /// file they were cut from.
    func testPartsReadAsTheConcatenatedFile() throws {
        let rows = (0..<30).map { "s\($0 % 4),\(Double($0) / 4),\($0),\($0 % 3 == 0 ? "yes" : "no")\n" }
        let whole = try reader().read(path: try folder.write("whole.csv", header + rows.joined()))
        _ = try folder.write("p/part-0.csv", header + rows[0..<10].joined())
        _ = try folder.write("p/part-1.csv.gz", bytes: try CompressedReadBenchmark.gzip(Array((header + rows[10..<25].joined()).utf8), level: 6))
        _ = try folder.write("p/part-2.csv", "\u{FEFF}" + header + rows[25...].joined())
        _ = try folder.write("p/part-3.csv", "")
        for spec in [folder.path("p"), folder.path("p/part-*")] {
            let parts = try reader().read(path: spec)
            XCTAssertEqual(parts.count, 30, spec)
            XCTAssertEqual(parts.labels, whole.labels)
            XCTAssertEqual(parts.categorical, whole.categorical)
            XCTAssertEqual(parts.numeric.map(\.bitPattern), whole.numeric.map(\.bitPattern))
            XCTAssertEqual(parts.dataRows, 30)
        }
        // Streamed, the same rows in the same order.
        let streamed = try StreamingReader(path: folder.path("p"), schema: try DataSchema(config: .clickCSV), strict: false,
                                           threads: 2, blockBytes: 64)
        var labels: [Float] = [], categorical: [UInt64] = []
        while let pieces = try streamed.next() { for p in pieces { labels += p.labels; categorical += p.categorical } }
        XCTAssertEqual(labels, whole.labels)
        XCTAssertEqual(categorical, whole.categorical)
        XCTAssertTrue(streamed.finished)
    }

    /// A malformed row is named by its part and its line there (the header is line 1), in memory
    /// and streamed.
    func testErrorsNameThePartAndItsLine() throws {
        _ = try folder.write("p/part-0.csv", header + "a,1,2,yes\nb,2,3,no\n")
        let bad = try folder.write("p/part-1.csv", header + "a,1,2,yes\nb,2,3,no\nc,oops\n")
        let raw = try reader().read(path: folder.path("p"))
        XCTAssertEqual(raw.count, 4)
        XCTAssertEqual(raw.skippedRows, 1)
        XCTAssertEqual(raw.errors.first?.file, bad)
        XCTAssertEqual(raw.errors.first?.line, 4)
        var strict = try reader()
        strict.strict = true
        assertContains(thrownDescription { _ = try strict.read(path: self.folder.path("p")) }, "part-1.csv:4:")
        let streamed = try StreamingReader(path: folder.path("p"), schema: try DataSchema(config: .clickCSV), strict: true,
                                           threads: 1, blockBytes: 8)
        assertContains(thrownDescription { while try streamed.next() != nil {} }, "part-1.csv:4:", "expected 4 fields")
    }

    /// Parts must share one header: the first that differs is named, at line 1.
    func testPartsWithDifferentHeadersAreRefused() throws {
        _ = try folder.write("p/part-0.csv", header + "a,1,2,yes\nb,2,3,no\n")
        let other = try folder.write("p/part-1.csv", "site,price,count,clicked\na,1,2,yes\n")
        for message in [thrownDescription { _ = try self.reader().read(path: self.folder.path("p")) },
                        thrownDescription { _ = try StreamingReader(path: self.folder.path("p"), schema: try DataSchema(config: .clickCSV),
                                                                    strict: false, threads: 1, blockBytes: 1 << 16) }] {
            assertContains(message, other + ":1:", "header differs from the first part's", "clicked")
        }
    }

    /// Only empty parts: an error naming the set and the count, not a silent empty run.
    func testOnlyEmptyPartsAreRefused() throws {
        _ = try folder.write("p/part-0.csv", "")
        _ = try folder.write("p/part-1.csv", "\n\n")
        assertContains(thrownDescription { _ = try self.reader().read(path: self.folder.path("p")) }, "(2 parts)", "every part is empty")
        let streamed = try StreamingReader(path: folder.path("p"), schema: try DataSchema(config: .clickCSV), strict: false,
                                           threads: 1, blockBytes: 1 << 16)
        assertContains(thrownDescription { while try streamed.next() != nil {} }, "(2 parts)", "every part is empty")
        _ = try folder.write("q/part-0.csv", header)
        _ = try folder.write("q/part-1.csv", header)
        assertContains(thrownDescription { _ = try self.reader().read(path: self.folder.path("q")) }, "no part has a data row")
    }
}

/// A config's data paths are resolved against its folder item by item; `-` stays standard input.
final class DataPathConfigTests: XCTestCase {
    func testListItemsResolveAgainstTheConfigFolder() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("run.yaml", "data: {format: criteo, train: \"a.tsv,parts/*.gz\", valid: \"-\"}\n")
        let config = try RunConfigLoader.load(path: path)
        let base = URL(fileURLWithPath: folder.path("")).standardizedFileURL.path
        XCTAssertEqual(config.data.train, "\(base)/a.tsv,\(base)/parts/*.gz")
        XCTAssertEqual(config.data.valid, "-")
    }
}

/// `wdl gen --layout avazu`: Avazu's header and columns, filled from the same draw as the Criteo
/// layout's first 21 categorical fields.
final class SyntheticAvazuTests: XCTestCase {
    func testAvazuLayoutHasItsHeaderUniqueIdsAndTheCriteoDrawsCategories() throws {
        let avazu = String(decoding: SyntheticCTR(seed: 4, layout: .avazu).generate(rows: 3000).bytes, as: UTF8.self)
        let criteo = String(decoding: SyntheticCTR(seed: 4).generate(rows: 3000).bytes, as: UTF8.self)
        let lines = avazu.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        XCTAssertEqual(lines.first, "id,click,hour,C1,banner_pos,site_id,site_domain,site_category,app_id,app_domain,app_category,device_id,device_ip,device_model,device_type,device_conn_type,C14,C15,C16,C17,C18,C19,C20,C21")
        XCTAssertEqual(lines.count, 3001)
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let criteoRows = criteo.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertTrue(rows.allSatisfy { $0.count == 24 })
        XCTAssertEqual(Set(rows.map { $0[0] }).count, 3000, "ids are unique")
        XCTAssertTrue(rows.allSatisfy { $0[0].count == 20 && $0[0].allSatisfy(\.isNumber) })
        XCTAssertTrue(rows.allSatisfy { ["0", "1"].contains($0[1]) && $0[2].hasPrefix("141021") && $0[2].count == 8 })
        for (a, c) in zip(rows, criteoRows) {
            XCTAssertEqual(Array(a[3...]), Array(c[14..<35]), "the same draw's first 21 categorical fields")
        }
        // The labels follow the planted probabilities the generator reports for this layout.
        let (_, probabilities, labels) = SyntheticCTR(seed: 4, layout: .avazu).generate(rows: 3000)
        XCTAssertEqual(labels, rows.map { Float($0[1])! })
        let mean = probabilities.reduce(0, +) / 3000, rate = labels.reduce(0, +) / 3000
        XCTAssertEqual(Double(rate), Double(mean), accuracy: 3 * (Double(mean) * (1 - Double(mean)) / 3000).squareRoot())
    }
}
