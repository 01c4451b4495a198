import Foundation
import WdlApp
import WideDeep
import XCTest

final class BenchReportTests: XCTestCase {
    func testSnakeCasedNames() {
        XCTAssertEqual(BenchReport.snakeCased("denseForward"), "dense_forward")
        XCTAssertEqual(BenchReport.snakeCased("gather"), "gather")
    }

    /// Every key at every depth is snake_case, as in the metrics log; the documented ones are there.
    func testEveryJSONKeyIsSnakeCase() throws {
        let phases = Dictionary(uniqueKeysWithValues: StepProfile.Phase.allCases.map {
            (BenchReport.snakeCased("\($0)"), 10.0)
        })
        let machine = MachineLoad(loadAverage1m: 3.1, stealFraction: 0.01, otherCPUFraction: 0.4, busy: true,
                                  busySections: 2, sections: 5, threads: 2)
        let report = BenchReport(cpu: "test", features: ["avx2"], threads: 2, batchSize: 512, trainRows: 900,
                                 validRows: 100,
                                 figures: [Benchmark.Figure(name: "GEMM", unit: "GFLOP/s", samples: [1, 2, 3]),
                                           Benchmark.Figure(name: "checkpoint", unit: "MB/s", samples: [4])],
                                 stepMicrosecondsByPhase: phases, peakResidentMB: 12, machine: machine)
        let object = try JSONSerialization.jsonObject(with: Data(try report.json().utf8))
        var keys: [String] = []
        func collect(_ value: Any, path: String) {
            if let dictionary = value as? [String: Any] {
                for (key, inner) in dictionary {
                    keys.append(path + key)
                    collect(inner, path: path + key + ".")
                }
            } else if let array = value as? [Any] {
                for inner in array { collect(inner, path: path + "[].") }
            }
        }
        collect(object, path: "")
        let pattern = try NSRegularExpression(pattern: "^[a-z0-9_]+$")
        for key in keys {
            let last = String(key.split(separator: ".").last ?? "")
            XCTAssertNotNil(pattern.firstMatch(in: last, range: NSRange(last.startIndex..., in: last)), "key \(key)")
        }
        for expected in ["batch_size", "train_rows", "valid_rows", "peak_resident_mb", "step_microseconds_by_phase",
                         "step_microseconds_by_phase.dense_forward", "machine.load_average_1m", "machine.steal_fraction",
                         "machine.other_cpu_fraction", "machine.busy", "figures.[].median", "figures.[].min",
                         "figures.[].max", "figures.[].spread", "figures.[].noisy"] {
            XCTAssertTrue(keys.contains(expected), "missing \(expected)")
        }
        // A one-run figure's spread is an explicit null, not a missing key.
        let figures = try XCTUnwrap((object as? [String: Any])?["figures"] as? [[String: Any]])
        XCTAssertTrue(figures[1]["spread"] is NSNull)
        XCTAssertEqual(figures[0]["spread"] as? Double, 1.0)  // (3 − 1) / 2
    }
}
