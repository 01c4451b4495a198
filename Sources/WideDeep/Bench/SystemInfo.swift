import Foundation

/// What the machine offers, read from Linux's /proc (empty elsewhere).
public enum SystemInfo {
    /// CPU model name and the SIMD features that matter to the kernels.
    public static func cpu() -> (model: String, features: [String]) {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return ("unknown", []) }
        var model = "unknown", flags: Set<String> = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("model name"), let value = line.split(separator: ":", maxSplits: 1).last {
                model = value.trimmingCharacters(in: .whitespaces)
            }
            if line.hasPrefix("flags"), let value = line.split(separator: ":", maxSplits: 1).last {
                flags = Set(value.split(separator: " ").map(String.init))
                break
            }
        }
        let interesting = ["sse4_2", "avx", "avx2", "fma", "avx512f"]
        return (model, interesting.filter(flags.contains))
    }

    /// Peak resident set size of this process in bytes (VmHWM), if known.
    public static func peakResidentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}
