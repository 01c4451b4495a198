import WideDeep
import XCTest

/// The sampler on canned /proc text; every expected value is worked out by hand from the text.
final class MachineLoadSamplerTests: XCTestCase {
    // Two CPUs; the aggregate line's ninth column (guest, 40 in `statAfter`) is already in user.
    let statBefore = "cpu  100 0 50 800 10 5 5 30 0 0\ncpu0 50 0 25 400 5 3 2 15 0 0\ncpu1 50 0 25 400 5 2 3 15 0 0\nintr 123 4\nctxt 99\n"
    let statAfter = "cpu  300 10 90 1300 20 5 15 60 40 0\ncpu0 150 5 45 650 10 3 7 30 20 0\ncpu1 150 5 45 650 10 2 8 30 20 0\nintr 456 7\n"
    // The command name holds spaces and a parenthesis; utime and stime are fields 14 and 15.
    let selfBefore = "4242 (wdl bench (x)) R 1 2 3 4 5 6 7 8 9 10 60 20 0 0 20 0 3 0 12345\n"
    let selfAfter = "4242 (wdl bench (x)) R 1 2 3 4 5 6 7 8 9 10 200 40 0 0 20 0 3 0 12345\n"

    func testParsesEachFile() throws {
        XCTAssertEqual(MachineLoadSampler.loadAverage1m("1.50 0.80 0.40 2/300 1234\n"), 1.5)
        let cpu = try XCTUnwrap(MachineLoadSampler.cpuTicks(statBefore))
        XCTAssertEqual(cpu.total, 1000)  // 100+0+50+800+10+5+5+30
        XCTAssertEqual(cpu.busy, 160)    // user+nice+system+irq+softirq
        XCTAssertEqual(cpu.steal, 30)
        XCTAssertEqual(cpu.cpus, 2)
        XCTAssertEqual(MachineLoadSampler.ownTicks(selfBefore), 80)
    }

    func testRejectsMalformedText() {
        XCTAssertNil(MachineLoadSampler.loadAverage1m("busy\n"))
        XCTAssertNil(MachineLoadSampler.cpuTicks("cpu0 1 2 3 4\nintr 5\n"))  // no aggregate line
        XCTAssertNil(MachineLoadSampler.cpuTicks("cpu  1 2\n"))             // too few columns
        XCTAssertNil(MachineLoadSampler.ownTicks("4242 wdl R 1 2\n"))
        XCTAssertNil(MachineLoadSampler.ownTicks("4242 (wdl) R 1 2 3\n"))
        XCTAssertNil(MachineLoadSampler.snapshot(loadavg: "", stat: statBefore, selfStat: selfBefore))
    }

    func testSectionBetweenTwoSnapshots() throws {
        let start = try XCTUnwrap(MachineLoadSampler.snapshot(loadavg: "1.50 0.80 0.40 2/300 1234\n", stat: statBefore,
                                                              selfStat: selfBefore))
        let end = try XCTUnwrap(MachineLoadSampler.snapshot(loadavg: "2.50 0.90 0.40 3/300 1240\n", stat: statAfter,
                                                            selfStat: selfAfter))
        let section = MachineLoadSampler.section(from: start, to: end)
        XCTAssertEqual(section.loadAverage1m, 2.0)
        XCTAssertEqual(section.totalTicks, 800)   // 1800 − 1000
        XCTAssertEqual(section.otherTicks, 100)   // busy 420 − 160 = 260, minus own 240 − 80 = 160
        XCTAssertEqual(section.stealFraction, 30.0 / 800, accuracy: 1e-12)
        XCTAssertEqual(section.otherCPUFraction, 0.25, accuracy: 1e-12)  // 100 of 400 ticks per core
        // Load 2.0 is not above 2 threads, steal 3.75% is under 5%, but others took a quarter core.
        XCTAssertTrue(MachineLoadSampler.isBusy(section, threads: 2))
    }

    func testVerdictThresholds() {
        func section(load: Double, steal: UInt64 = 0, other: UInt64 = 0) -> MachineLoadSampler.Section {
            .init(loadAverage1m: load, totalTicks: 1000, stealTicks: steal, otherTicks: other, cpuCount: 2)
        }
        XCTAssertFalse(MachineLoadSampler.isBusy(section(load: 1.5, steal: 10, other: 20), threads: 2))
        XCTAssertTrue(MachineLoadSampler.isBusy(section(load: 2.5), threads: 2))
        XCTAssertFalse(MachineLoadSampler.isBusy(section(load: 2.5), threads: 4))
        XCTAssertTrue(MachineLoadSampler.isBusy(section(load: 0.5, steal: 60), threads: 2))   // 6% stolen
        XCTAssertFalse(MachineLoadSampler.isBusy(section(load: 0.5, steal: 50), threads: 2))  // exactly 5%
        XCTAssertFalse(MachineLoadSampler.isBusy(section(load: 0.5, other: 50), threads: 2))  // exactly 0.10 core
        XCTAssertTrue(MachineLoadSampler.isBusy(section(load: 0.5, other: 51), threads: 2))
    }

    func testSummaryWeighsSectionsByTheirTicks() throws {
        var sampler = MachineLoadSampler(threads: 2)
        XCTAssertNil(sampler.summary)
        sampler.record(.init(loadAverage1m: 1.0, totalTicks: 1000, stealTicks: 0, otherTicks: 40, cpuCount: 2))
        sampler.record(.init(loadAverage1m: 3.0, totalTicks: 3000, stealTicks: 0, otherTicks: 120, cpuCount: 2))
        let summary = try XCTUnwrap(sampler.summary)
        XCTAssertEqual(summary.loadAverage1m, 2.5, accuracy: 1e-12)     // (1·1000 + 3·3000) / 4000
        XCTAssertEqual(summary.otherCPUFraction, 0.08, accuracy: 1e-12)  // 160 of 2000 ticks per core
        XCTAssertEqual(summary.stealFraction, 0)
        XCTAssertTrue(summary.busy)
        XCTAssertEqual(summary.busySections, 1)
        XCTAssertEqual(summary.sections, 2)
        XCTAssertTrue(summary.line.contains("BUSY during 1 of 2"))
        XCTAssertTrue(summary.line.contains("do not quote these figures"))
    }

    func testQuietSummarySaysSo() throws {
        var sampler = MachineLoadSampler(threads: 2)
        sampler.record(.init(loadAverage1m: 1.0, totalTicks: 1000, stealTicks: 0, otherTicks: 0, cpuCount: 2))
        let summary = try XCTUnwrap(sampler.summary)
        XCTAssertFalse(summary.busy)
        XCTAssertTrue(summary.line.hasPrefix("machine: quiet"))
        XCTAssertFalse(summary.line.contains("do not quote"))
    }
}

final class BenchmarkSpreadTests: XCTestCase {
    func testSpreadIsMinMaxOverMedian() throws {
        let even = Benchmark.Figure(name: "x", unit: "u", samples: [90, 100, 110])
        XCTAssertEqual(try XCTUnwrap(even.spread), 0.2, accuracy: 1e-12)
        XCTAssertFalse(even.noisy)  // exactly 20% is not over it
        let wide = Benchmark.Figure(name: "x", unit: "u", samples: [121, 100, 80])
        XCTAssertEqual(try XCTUnwrap(wide.spread), 0.41, accuracy: 1e-12)
        XCTAssertTrue(wide.noisy)
        let pair = Benchmark.Figure(name: "x", unit: "u", samples: [10, 12])
        XCTAssertEqual(try XCTUnwrap(pair.spread), 2.0 / 11, accuracy: 1e-12)  // median of two is their mean
        XCTAssertFalse(pair.noisy)
    }

    func testOneRunHasNoSpread() {
        let single = Benchmark.Figure(name: "x", unit: "u", samples: [5])
        XCTAssertNil(single.spread)
        XCTAssertFalse(single.noisy)
        XCTAssertNil(Benchmark.spread([0, 0, 0]))
    }
}
