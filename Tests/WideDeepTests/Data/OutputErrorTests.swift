import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Output failures are `OutputError`s naming the path and the system's reason, not `DataError`s
/// (which are about input read).
final class OutputErrorTests: XCTestCase {
    func testAMetricsLogInAMissingFolderNamesThePathAndErrno() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("no-such-folder/m.jsonl")
        XCTAssertThrowsError(try MetricsLog(path: path)) { error in
            guard let error = error as? OutputError else { return XCTFail("\(type(of: error)): \(error)") }
            XCTAssertEqual(error.path, path)
            XCTAssertEqual(error.errno, ENOENT)
            XCTAssertEqual(error.description, "\(path): cannot create the metrics file: No such file or directory")
        }
    }

    /// /dev/full takes the open and refuses every write with ENOSPC.
    func testAFullDeviceRefusingAMetricsLineIsAnOutputError() throws {
        let log = try MetricsLog(path: "/dev/full")
        XCTAssertThrowsError(try log.write(["a": 1])) { error in
            guard let error = error as? OutputError else { return XCTFail("\(type(of: error)): \(error)") }
            XCTAssertEqual(error.path, "/dev/full")
            XCTAssertTrue(error.description.hasPrefix("/dev/full: cannot write the metrics log"), error.description)
        }
    }

    func testTheDescriptionEscapesThePathAndAddsTheSystemReason() {
        XCTAssertEqual(OutputError(path: "a\u{1B}b", "cannot write", errno: ENOSPC).description,
                       "a\\eb: cannot write: No space left on device")
        XCTAssertEqual(OutputError(path: "out", "cannot write").description, "out: cannot write")
    }
}
