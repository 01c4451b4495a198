import Foundation
import XCTest
@testable import WdlApp
import WideDeep
import WDLTestSupport

/// An output path is refused when it is an input by any name: the same path, `./` and `..`
/// forms, a symlink, a hard link; a different file, a path not there yet, `-` and a device pass.
final class OutputAliasingTests: XCTestCase {
    func testEveryNameOfAnInputIsRefused() throws {
        let folder = try TemporaryFolder()
        let data = try folder.write("train.csv", "a,label\nx,1\n")
        try FileManager.default.createDirectory(atPath: folder.path("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.path("link.csv"), withDestinationPath: data)
        try FileManager.default.linkItem(atPath: data, toPath: folder.path("hard.csv"))
        let inputs = [NamedPath("--model", try folder.write("m.safetensors", "m")), NamedPath("--data", data)]
        let aliases = [data, folder.path("sub/../train.csv"), folder.url.path + "/./train.csv",
                       folder.path("link.csv"), folder.path("hard.csv")]
        for alias in aliases {
            XCTAssertThrowsError(try OutputAliasing.check(outputs: [NamedPath("--out", alias)], inputs: inputs), alias) { error in
                XCTAssertEqual(error as? OutputAliasError, OutputAliasError(output: NamedPath("--out", alias), input: inputs[1]))
            }
        }
        // The second output is the one at fault; the message names both and says nothing was written.
        XCTAssertThrowsError(try OutputAliasing.check(
            outputs: [NamedPath("--out", folder.path("p.txt")), NamedPath("--ids-out", folder.path("link.csv"))], inputs: inputs)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("--ids-out \(folder.path("link.csv")) is --data \(data) (the same file by another name or link)"), text)
            XCTAssertTrue(text.contains("nothing was written"), text)
        }
        let other = try folder.write("other.csv", "a,label\nx,1\n")  // same bytes, another file
        for path in [other, folder.path("not-yet.txt"), "-", "/dev/null", folder.path("sub")] {
            XCTAssertNoThrow(try OutputAliasing.check(outputs: [NamedPath("--out", path)], inputs: inputs), path)
        }
        XCTAssertNoThrow(try OutputAliasing.check(outputs: [NamedPath("--out", "/dev/null")], inputs: [NamedPath("--data", "/dev/null")]))
    }

    /// `-` is the process's stdout as an output and stdin as an input: appending stdout to the
    /// data file (`>> data.csv`) is refused, and reading the data from stdin is compared too.
    func testDashIsTheStandardStream() throws {
        let folder = try TemporaryFolder()
        let data = try folder.write("data.csv", "a,label\nx,1\n")
        let saved = dup(STDOUT_FILENO)
        let appended = open(data, O_WRONLY | O_APPEND)
        XCTAssertGreaterThanOrEqual(appended, 0)
        dup2(appended, STDOUT_FILENO)
        let caught = Result { try OutputAliasing.check(outputs: [NamedPath("standard output", "-")], inputs: [NamedPath("--data", data)]) }
        let byLink = Result { try OutputAliasing.check(outputs: [NamedPath("--out", "/dev/stdout")], inputs: [NamedPath("--data", data)]) }
        dup2(saved, STDOUT_FILENO)
        close(saved)
        close(appended)
        XCTAssertThrowsError(try caught.get()) { error in
            XCTAssertTrue("\(error)".hasPrefix("standard output is --data \(data) (the same file"), "\(error)")
        }
        XCTAssertThrowsError(try byLink.get())
        XCTAssertNoThrow(try OutputAliasing.check(outputs: [NamedPath("standard output", "-")], inputs: [NamedPath("--data", data)]))
    }

    /// A checkpoint folder's files: the fixed names and the step checkpoints already there.
    func testCheckpointFolderFiles() throws {
        let folder = try TemporaryFolder()
        try folder.write("step-64.safetensors", "s")
        try folder.write("notes.txt", "n")
        let names = OutputAliasing.checkpointFolderFiles(folder.url.path).map { URL(fileURLWithPath: $0.path).lastPathComponent }
        XCTAssertEqual(names, ["final.safetensors", "best.safetensors", "dashboard.log", "step-64.safetensors"])
        let data = folder.path("step-64.safetensors")
        XCTAssertThrowsError(try OutputAliasing.check(outputs: OutputAliasing.checkpointFolderFiles(folder.url.path),
                                                      inputs: [NamedPath("the training file", data)]))
    }
}
