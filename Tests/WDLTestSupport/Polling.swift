import Foundation
import WideDeep
import XCTest

extension XCTestCase {
    /// Polls until `condition` holds; fails after a minute (a deadline against hanging, not a
    /// timing assertion).
    public func wait(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                     _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(60)
        while !condition() {
            if Date() > deadline {
                XCTFail("timed out waiting for \(what)", file: file, line: line)
                return
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Polls `session`'s snapshot until `condition` holds.
    public func wait(for session: TrainingSession, _ what: String, file: StaticString = #filePath,
                     line: UInt = #line, _ condition: (TrainingSnapshot) -> Bool) {
        wait(what, file: file, line: line) { condition(session.snapshot) }
    }
}
