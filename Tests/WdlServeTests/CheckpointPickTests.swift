import Foundation
@testable import WdlServe
import WDLTestSupport
import XCTest

/// Which file of a run directory `--pick` serves: best.safetensors first for `best`; otherwise the
/// most recently written step-N or final, never a save still in progress (its hidden temporary).
final class CheckpointPickTests: XCTestCase {
    func testPickRules() throws {
        let folder = try TemporaryFolder()
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        func file(_ name: String, age: Double) throws {
            let path = try folder.write(name, "x")
            try FileManager.default.setAttributes([.modificationDate: base.addingTimeInterval(-age)], ofItemAtPath: path)
        }
        let directory = folder.url.path
        XCTAssertNil(CheckpointPick.best.pick(in: directory), "an empty directory has nothing to serve")
        try file("step-100.safetensors", age: 30)
        try file("step-20.safetensors", age: 10)  // written after step-100 (a resumed run's earlier step)
        try file("step-x.safetensors", age: 0)
        try file(".final.safetensors.tmp-1-2", age: 0)
        try file("notes.txt", age: 0)
        XCTAssertEqual(CheckpointPick.latest.pick(in: directory)?.path, folder.path("step-20.safetensors"), "by time written")
        XCTAssertEqual(CheckpointPick.best.pick(in: directory)?.path, folder.path("step-20.safetensors"), "no best: the latest")
        try file("final.safetensors", age: 5)
        XCTAssertEqual(CheckpointPick.latest.pick(in: directory)?.path, folder.path("final.safetensors"))
        try file("best.safetensors", age: 60)
        XCTAssertEqual(CheckpointPick.best.pick(in: directory)?.path, folder.path("best.safetensors"), "best, however old")
        XCTAssertEqual(CheckpointPick.latest.pick(in: directory)?.path, folder.path("final.safetensors"))
        // A new version of the same file (saved again: a new inode and time) is a different candidate.
        let before = try XCTUnwrap(CheckpointFile(path: folder.path("final.safetensors")))
        try FileManager.default.removeItem(atPath: folder.path("final.safetensors"))
        try file("final.safetensors", age: 1)
        XCTAssertNotEqual(CheckpointFile(path: folder.path("final.safetensors")), before)
    }
}
