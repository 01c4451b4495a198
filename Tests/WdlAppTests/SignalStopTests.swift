import Foundation
@testable import WdlApp
import XCTest

/// What a SIGHUP does to the output: a descriptor that was a terminal and no longer answers as one
/// (a hung-up terminal fails every write) is pointed at /dev/null, so the run's last lines cannot
/// end it before it has saved; one that still answers keeps its output.
final class SignalStopTests: XCTestCase {
    func testADescriptorThatIsNoLongerATerminalGoesToDevNull() throws {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        let (reader, writer) = (ends[0], ends[1])
        defer { close(reader); close(writer) }
        // A pipe answers isatty with no, as a hung-up terminal does.
        SignalStop.leaveHungUpTerminal([writer])
        XCTAssertEqual(write(writer, "lost\n", 5), 5, "the write succeeds (to /dev/null)")
        var flags = fcntl(reader, F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(reader, F_SETFL, flags)
        var buffer = [UInt8](repeating: 0, count: 8)
        XCTAssertEqual(read(reader, &buffer, 8), 0, "nothing reached the old pipe, now without a writer")
    }

    func testSignalNames() {
        XCTAssertEqual(SignalStop.name(of: SIGHUP), "SIGHUP")
        XCTAssertEqual(SignalStop.name(of: SIGTERM), "SIGTERM")
        XCTAssertEqual(SignalStop.name(of: SIGINT), "SIGINT")
    }
}
