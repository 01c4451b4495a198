import Foundation

/// Whether the machine was busy while `wdl bench` measured, so a figure taken on a loaded or
/// stolen-from machine is not quoted. Reads /proc/loadavg, /proc/stat and /proc/self/stat before
/// and after each measured section; the parsing and the verdict are pure functions of that text.
public struct MachineLoadSampler: Sendable {
    /// One reading of the machine's counters (clock ticks, all CPUs together).
    public struct Snapshot: Equatable, Sendable {
        public var loadAverage1m: Double
        /// Every tick of every CPU (user, nice, system, idle, iowait, irq, softirq, steal).
        public var totalTicks: UInt64
        /// Ticks spent running something: user, nice, system, irq, softirq.
        public var busyTicks: UInt64
        public var stealTicks: UInt64
        /// This process's own user + system ticks (all its threads).
        public var ownTicks: UInt64
        public var cpuCount: Int

        public init(loadAverage1m: Double, totalTicks: UInt64, busyTicks: UInt64, stealTicks: UInt64, ownTicks: UInt64,
                    cpuCount: Int) {
            self.loadAverage1m = loadAverage1m
            self.totalTicks = totalTicks
            self.busyTicks = busyTicks
            self.stealTicks = stealTicks
            self.ownTicks = ownTicks
            self.cpuCount = cpuCount
        }
    }

    /// What happened between two snapshots.
    public struct Section: Equatable, Sendable {
        /// The mean of the 1-minute load average at the start and the end.
        public var loadAverage1m: Double
        /// Ticks in the section, all CPUs (the weight when sections are combined).
        public var totalTicks: UInt64
        public var stealTicks: UInt64
        /// Busy ticks of every other process.
        public var otherTicks: UInt64
        public var cpuCount: Int

        public init(loadAverage1m: Double, totalTicks: UInt64, stealTicks: UInt64, otherTicks: UInt64, cpuCount: Int) {
            self.loadAverage1m = loadAverage1m
            self.totalTicks = totalTicks
            self.stealTicks = stealTicks
            self.otherTicks = otherTicks
            self.cpuCount = cpuCount
        }

        /// Share of all CPU time the hypervisor gave to someone else.
        public var stealFraction: Double { totalTicks == 0 ? 0 : Double(stealTicks) / Double(totalTicks) }
        /// Other processes' CPU in cores (1.0 = one whole core), from ticks per core elapsed.
        public var otherCPUFraction: Double {
            totalTicks == 0 ? 0 : Double(otherTicks) / (Double(totalTicks) / Double(max(1, cpuCount)))
        }
    }

    /// Above these the figures measure the neighbours as much as the code.
    public static let otherCPUThreshold = 0.10
    public static let stealThreshold = 0.05

    public private(set) var sections: [Section] = []
    /// Sections during which the machine was busy by `isBusy(_:threads:)`.
    public private(set) var busySections = 0
    public let threads: Int

    public init(threads: Int) { self.threads = threads }

    /// Busy when the load exceeds the threads the bench itself runs, other processes use more than
    /// 10% of a core, or the hypervisor steals more than 5%.
    public static func isBusy(_ section: Section, threads: Int) -> Bool {
        section.loadAverage1m > Double(threads) || section.otherCPUFraction > otherCPUThreshold
            || section.stealFraction > stealThreshold
    }

    public static func section(from start: Snapshot, to end: Snapshot) -> Section {
        let own = end.ownTicks &- start.ownTicks, busy = end.busyTicks &- start.busyTicks
        return Section(loadAverage1m: (start.loadAverage1m + end.loadAverage1m) / 2,
                       totalTicks: end.totalTicks &- start.totalTicks, stealTicks: end.stealTicks &- start.stealTicks,
                       otherTicks: busy > own ? busy - own : 0, cpuCount: end.cpuCount)
    }

    /// Runs `body` as one measured section (unsampled where /proc cannot be read).
    public mutating func measure<T>(_ body: () throws -> T) rethrows -> T {
        let start = MachineLoadSampler.readSnapshot()
        let result = try body()
        if let start, let end = MachineLoadSampler.readSnapshot() { record(MachineLoadSampler.section(from: start, to: end)) }
        return result
    }

    public mutating func record(_ section: Section) {
        sections.append(section)
        if MachineLoadSampler.isBusy(section, threads: threads) { busySections += 1 }
    }

    /// Every section together, weighted by its ticks; nil when nothing was sampled.
    public var summary: MachineLoad? {
        guard !sections.isEmpty else { return nil }
        let total = sections.reduce(UInt64(0)) { $0 + $1.totalTicks }
        let load = total == 0 ? sections.map(\.loadAverage1m).reduce(0, +) / Double(sections.count)
            : sections.reduce(0.0) { $0 + $1.loadAverage1m * Double($1.totalTicks) } / Double(total)
        let combined = Section(loadAverage1m: load, totalTicks: total,
                               stealTicks: sections.reduce(0) { $0 + $1.stealTicks },
                               otherTicks: sections.reduce(0) { $0 + $1.otherTicks }, cpuCount: sections[0].cpuCount)
        return MachineLoad(loadAverage1m: load, stealFraction: combined.stealFraction,
                           otherCPUFraction: combined.otherCPUFraction, busy: busySections > 0,
                           busySections: busySections, sections: sections.count, threads: threads)
    }

    // MARK: Reading /proc

    public static func readSnapshot() -> Snapshot? {
        guard let loadavg = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
              let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let selfStat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8) else { return nil }
        return snapshot(loadavg: loadavg, stat: stat, selfStat: selfStat)
    }

    public static func snapshot(loadavg: String, stat: String, selfStat: String) -> Snapshot? {
        guard let load = loadAverage1m(loadavg), let cpu = cpuTicks(stat), let own = ownTicks(selfStat) else { return nil }
        return Snapshot(loadAverage1m: load, totalTicks: cpu.total, busyTicks: cpu.busy, stealTicks: cpu.steal,
                        ownTicks: own, cpuCount: cpu.cpus)
    }

    /// The first field of /proc/loadavg ("0.52 0.58 0.59 1/389 12345").
    public static func loadAverage1m(_ text: String) -> Double? {
        text.split(whereSeparator: \.isWhitespace).first.flatMap { Double($0) }
    }

    /// The aggregate "cpu" line of /proc/stat and the number of "cpuN" lines. Guest time is
    /// already inside user and nice, so only the first eight columns add up to the total.
    public static func cpuTicks(_ text: String) -> (total: UInt64, busy: UInt64, steal: UInt64, cpus: Int)? {
        var ticks: [UInt64]?
        var cpus = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let name = fields.first, name.hasPrefix("cpu") else { continue }
            if name == "cpu" {
                let values = fields.dropFirst().prefix(8).compactMap { UInt64($0) }
                guard values.count >= 4 else { return nil }
                ticks = values + Array(repeating: 0, count: 8 - values.count)
            } else if Int(name.dropFirst(3)) != nil {
                cpus += 1
            }
        }
        guard let t = ticks else { return nil }
        // user nice system idle iowait irq softirq steal
        return (t.reduce(0, +), t[0] + t[1] + t[2] + t[5] + t[6], t[7], max(1, cpus))
    }

    /// utime + stime (fields 14 and 15) of /proc/self/stat; the command name in parentheses may
    /// hold spaces, so fields are counted after its closing one.
    public static func ownTicks(_ text: String) -> UInt64? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(whereSeparator: \.isWhitespace)
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
        return user + system
    }
}

/// The machine over a whole bench run, as the report shows it.
public struct MachineLoad: Codable, Equatable, Sendable {
    public var loadAverage1m: Double
    public var stealFraction: Double
    /// Other processes' CPU in cores (0.10 = a tenth of one core).
    public var otherCPUFraction: Double
    public var busy: Bool
    public var busySections: Int
    public var sections: Int
    /// The threads the bench ran, against which the load average is judged.
    public var threads: Int

    public init(loadAverage1m: Double, stealFraction: Double, otherCPUFraction: Double, busy: Bool, busySections: Int,
                sections: Int, threads: Int) {
        self.loadAverage1m = loadAverage1m
        self.stealFraction = stealFraction
        self.otherCPUFraction = otherCPUFraction
        self.busy = busy
        self.busySections = busySections
        self.sections = sections
        self.threads = threads
    }

    enum CodingKeys: String, CodingKey {
        case loadAverage1m = "load_average_1m", stealFraction = "steal_fraction", otherCPUFraction = "other_cpu_fraction"
        case busy, busySections = "busy_sections", sections, threads
    }

    /// One line for the table's header or footer.
    public var line: String {
        let values = String(format: "load average %.2f (bench threads %d), steal %.1f%%, other processes %.2f cores",
                            loadAverage1m, threads, 100 * stealFraction, otherCPUFraction)
        guard busy else { return "machine: quiet during the measurements: " + values }
        return "machine: BUSY during \(busySections) of \(sections) measurements: " + values
            + "; do not quote these figures"
    }
}
