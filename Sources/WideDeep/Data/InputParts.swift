import Foundation

/// The files a data path names. A data path (`data.train`, `--valid`, `wdl eval`'s file …) may be
///  - one file, or `-` (standard input);
///  - a folder: its files in name order (byte order of the names), leaving out hidden files and
///    those starting with `_` (`_SUCCESS`, `_committed_…`, which Spark and Hadoop write beside
///    their part files); a folder inside it is an error (name a glob such as `logs/*/part-*`);
///  - a glob (`*`, `?`, `[…]`): the files it matches, in name order;
///  - a comma-separated list of any of these, read in the order written (when the whole string
///    names no existing file).
/// The parts are read as one data set: CSV parts must share one header (each part starts with
/// it); errors name the part and its own line numbers.
public enum InputParts {
    /// The part files of `spec`, in reading order; throws naming what matched nothing.
    public static func expand(_ spec: String) throws -> [String] {
        if spec == "-" || exists(spec) { return try expandOne(spec) }
        if spec.contains(",") {
            let items = spec.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
            if let empty = items.firstIndex(where: { $0.isEmpty }) {
                throw DataError(file: spec, "item \(empty + 1) of the comma-separated list of files is empty")
            }
            let parts = try items.flatMap { item -> [String] in
                if item == "-" { throw DataError(file: spec, "standard input (-) cannot be one of several parts") }
                return try expandOne(item)
            }
            return parts
        }
        return try expandOne(spec)
    }

    /// True when the data path names standard input.
    public static func isStandardInput(_ spec: String) -> Bool { spec == "-" }

    private static func expandOne(_ item: String) throws -> [String] {
        if item == "-" { return [item] }
        var info = stat()
        if stat(item, &info) == 0 {
            return info.st_mode & S_IFMT == S_IFDIR ? try folder(item) : [item]
        }
        if item.contains(where: { "*?[".contains($0) }) { return try glob(item) }
        return [item]  // missing: opening it says "file not found"
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    private static func folder(_ path: String) throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw DataError(file: path, "cannot list the folder: \(error.localizedDescription)")
        }
        let base = path.hasSuffix("/") ? path : path + "/"
        var parts: [String] = []
        for name in names.sorted(by: byteOrder) where !name.hasPrefix(".") && !name.hasPrefix("_") {
            let full = base + name
            var info = stat()
            if stat(full, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR {
                throw DataError(file: path, "holds the folder '\(name)': only the files directly in a data folder are read (name the parts with a glob, e.g. '\(base)*/part-*')")
            }
            parts.append(full)
        }
        guard !parts.isEmpty else { throw DataError(file: path, "the folder holds no data files (hidden files and names starting with _ are left out)") }
        return parts
    }

    private static func glob(_ pattern: String) throws -> [String] {
        var found = glob_t()
        defer { globfree(&found) }
        let status = Foundation.glob(pattern, 0, nil, &found)
        guard status == 0 else {
            throw DataError(file: pattern, status == GLOB_NOMATCH ? "no file matches this pattern" : "cannot expand this pattern (glob error \(status))")
        }
        var paths: [String] = []
        for i in 0..<Int(found.gl_pathc) {
            if let path = found.gl_pathv[i] { paths.append(String(cString: path)) }
        }
        paths.sort(by: byteOrder)
        for path in paths {
            var info = stat()
            if stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR {
                throw DataError(file: pattern, "matches the folder '\(path)': a pattern must match data files only")
            }
        }
        return paths
    }

    /// Name order independent of the locale: byte by byte.
    private static func byteOrder(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(b.utf8) }
}
