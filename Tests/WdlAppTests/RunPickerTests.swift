import Foundation
import Synchronization
import XCTest
import WdlApp
import WideDeep
import WdlControl

final class RunPickerTests: XCTestCase {
    private func run(_ name: String, pid: Int32, step: Int, state: RunState = .running) -> AttachableRun {
        var snapshot = TrainingSnapshot()
        snapshot.runName = name
        snapshot.step = step
        snapshot.state = state
        return AttachableRun(path: "/tmp/wdl-1/\(name)-\(pid).sock",
                             welcome: ServerWelcome(version: 1, pid: pid, started: 0, readOnly: true, snapshot: snapshot))
    }

    func testTheOnlyRunIsChosenWithoutAsking() throws {
        let only = run("adult", pid: 7, step: 3)
        let chosen = try RunPicker.choose(from: [only], folder: "/tmp/wdl-1", output: { _ in }) { _ in
            XCTFail("no question for a single run")
            return nil
        }
        XCTAssertEqual(chosen.path, only.path)
    }

    func testSeveralRunsAreListedAndPickedByNumber() throws {
        let runs = [run("adult", pid: 7, step: 1234), run("criteo", pid: 9, step: 5, state: .paused)]
        let printed = Mutex<[String]>([])
        var prompt = ""
        let chosen = try RunPicker.choose(from: runs, folder: "/tmp/wdl-1", output: { line in printed.withLock { $0.append(line) } }) {
            prompt = $0
            return " 2\n".trimmingCharacters(in: .newlines)
        }
        XCTAssertEqual(chosen.welcome.pid, 9)
        XCTAssertEqual(prompt, "attach to which run? [1-2]: ")
        let lines = printed.withLock { $0 }
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix(" 1) adult  pid 7  RUNNING  step 1,234  started "), lines[0])
        XCTAssertTrue(lines[1].contains("criteo  pid 9  PAUSED  step 5"), lines[1])
        XCTAssertTrue(lines[1].hasSuffix("/tmp/wdl-1/criteo-9.sock"), lines[1])
    }

    func testNoRunOrABadAnswerIsAClearError() {
        XCTAssertThrowsError(try RunPicker.choose(from: [], folder: "/tmp/wdl-1", output: { _ in }) { _ in nil }) {
            XCTAssertTrue("\($0)".contains("no run is serving a control socket in /tmp/wdl-1"), "\($0)")
        }
        let runs = [run("a", pid: 1, step: 0), run("b", pid: 2, step: 0)]
        XCTAssertThrowsError(try RunPicker.choose(from: runs, folder: "/tmp/wdl-1", output: { _ in }) { _ in "3" }) {
            XCTAssertTrue("\($0)".contains("no run numbered '3': expected 1…2"), "\($0)")
        }
    }
}
