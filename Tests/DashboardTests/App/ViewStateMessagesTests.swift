import XCTest
import WideDeep
@testable import Dashboard

/// The footer's message lifetime and the run events that answer an awaited one.
final class ViewStateMessagesTests: XCTestCase {
    private var view = ViewState(smoothing: 0.6, themeName: "default")
    private var snapshot = SnapshotFixtures.running()

    func testAMessageExpiresAtItsTime() {
        view.show(.message("hello", .info, seconds: 5), now: 100, runSeconds: 65)
        view.expireMessages(answeredBy: snapshot, now: 104.9)
        XCTAssertEqual(view.message?.text, "hello")
        view.expireMessages(answeredBy: snapshot, now: 105)
        XCTAssertNil(view.message)
    }

    func testOnlyALaterEventOfTheAwaitedKindAnswers() {
        snapshot.events = [RunEvent(step: 1, seconds: 64, kind: .error, message: "older error")]
        view.show(.awaiting("saving…", kinds: [.checkpoint, .error]), now: 100, runSeconds: 65)
        view.expireMessages(answeredBy: snapshot, now: 101)
        XCTAssertEqual(view.message?.text, "saving…", "an event from before the key answers nothing")
        snapshot.events.append(RunEvent(step: 2, seconds: 66, kind: .info, message: "unrelated"))
        view.expireMessages(answeredBy: snapshot, now: 102)
        XCTAssertEqual(view.message?.text, "saving…")
        snapshot.events.append(RunEvent(step: 3, seconds: 67, kind: .error, message: "disk full"))
        view.expireMessages(answeredBy: snapshot, now: 103)
        XCTAssertEqual(view.message, StatusMessage(text: "disk full", severity: .error, expires: 113),
                       "a failure stays 10 s")
        XCTAssertNil(view.awaiting)
    }

    func testAnUnansweredAwaitedMessageGoesAfterAMinute() {
        view.show(.awaiting("evaluating…", kinds: [.evaluation]), now: 100, runSeconds: 65)
        view.expireMessages(answeredBy: snapshot, now: 160)
        XCTAssertNil(view.message)
        XCTAssertNil(view.awaiting)
    }

    func testLocalEventsKeepTheLastFifty() {
        for i in 1...60 { view.addLocalEvent("event \(i)", kind: .info, at: snapshot) }
        XCTAssertEqual(view.localEvents.count, 50)
        XCTAssertEqual(view.localEvents.first?.message, "event 11")
        XCTAssertEqual(view.localEvents.last?.step, snapshot.step)
    }
}
