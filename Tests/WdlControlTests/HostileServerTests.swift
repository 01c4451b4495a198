import Foundation
import XCTest
@testable import WdlControl
@testable import WideDeep
import WDLTestSupport

/// A fake server on a real Unix socket sends `ControlClient` what no run would: numbers out of
/// range, non-finite rates (`"NaN"` is the protocol's own spelling), slices that overflow or ask
/// for huge allocations, broken JSON. The client never traps: it ends with "connection lost:
/// <reason>", naming the value, and keeps the last snapshot it could believe.
final class HostileServerTests: XCTestCase {
    /// A fake server at a fresh path, stopped when the test ends.
    private func hostile(_ lines: [[UInt8]], hangUp: Bool = false) throws -> HostileServer {
        let server = try HostileServer(path: try socketPath(), lines: lines, hangUp: hangUp)
        addTeardownBlock { server.stop() }
        return server
    }

    // MARK: - The welcome

    func testHostileWelcomesEndTheAttemptWithConnectionLost() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("examplesPerSecond", { $0["examplesPerSecond"] = "NaN" }),
            ("examplesPerSecond", { $0["examplesPerSecond"] = 1e308 }),
            ("examplesPerSecond", { $0["examplesPerSecond"] = -3 }),
            ("trainingSeconds", { $0["trainingSeconds"] = "Infinity" }),
            ("elapsedSeconds", { $0["elapsedSeconds"] = 1e308 }),
            ("does not fit its field", { $0["step"] = 1e308 }),
            ("does not fit its field", { $0["epoch"] = 1.5 }),
            ("examplesSeen", { $0["examplesSeen"] = -5 }),
            ("totalExamples", { $0["totalExamples"] = Int.max }),
            ("the average rate", { $0["trainingSeconds"] = 1e-300 }),
            ("the average rate", { $0["trainingSeconds"] = 1e6; $0["examplesSeen"] = 1; $0["examplesAtStart"] = 0 }),
            ("the average rate", { $0["trainingSeconds"] = 1e-300; $0["examplesAtStart"] = 1 << 40 }),
            ("loading.fraction", { $0["loading"] = ["file": "t.csv", "rowsRead": 1, "rowsSkipped": 0, "fraction": "NaN"] }),
            ("trainLoss[0].step", { $0["trainLoss"] = [[-1, 0, 0.5]] }),
            ("validation[0].metrics.auc", { s in
                s["validation"] = [["step": 1, "epoch": 0, "examples": 1,
                                    "metrics": ["count": 5, "logloss": 0.5, "auc": 7, "accuracy": 0.5, "meanPrediction": 0.5,
                                                "positiveRate": 0.5]]]
            }),
            ("embeddings[0].normPercentiles", { s in
                s["embeddings"] = [["field": "a", "rows": 1, "rowsTouched": 1, "meanNorm": 1, "maxNorm": 1,
                                    "normPercentiles": [1e300, 1, 1, 1, 1e-300]]]
            }),
            ("dense[0].deadFraction", { s in
                s["dense"] = [["name": "d", "inputs": 1, "outputs": 1, "weightNorm": 1, "gradientNorm": 1, "deadFraction": 2]]
            }),
            ("events[0].seconds", { $0["events"] = [["step": 1, "seconds": "NaN", "kind": "info", "message": "m"]] }),
            ("runName", { $0["runName"] = String(repeating: "x", count: 70_000) }),
            ("hyperparameters[0].value", { $0["hyperparameters"] = [["parameter": "deep_lr", "value": "Infinity"]] }),
        ]
        for (field, edit) in cases {
            let server = try hostile([Self.welcomeLine(snapshotEdit: edit)])
            XCTAssertThrowsError(try ControlClient(path: server.path, client: "test", readOnly: true, timeout: 10), field) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("connection lost: "), text)
                XCTAssertTrue(text.contains(field), "\(field): \(text)")
            }
        }
    }

    func testBrokenOrForeignWelcomesEndTheAttemptWithConnectionLost() throws {
        let cases: [(String, [UInt8])] = [
            ("not a JSON object", Array("{\"type\":\"welcome\",\"welcome\":{\"version\":1".utf8) + [10]),
            ("welcome.version", Self.welcomeLine { $0["version"] = 2 }),
            ("welcome.started", Self.welcomeLine { $0["started"] = 1e308 }),
            ("welcome.pid", Self.welcomeLine { $0["pid"] = 0 }),
        ]
        for (what, line) in cases {
            let server = try hostile([line])
            XCTAssertThrowsError(try ControlClient(path: server.path, client: "test", readOnly: true, timeout: 10), what) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("connection lost: "), text)
            }
        }
    }

    // MARK: - Updates

    /// Each update arrives after a good welcome: the connection is lost with the reason, the
    /// copy stays the welcome's snapshot, and the process is still here to say so.
    func testHostileUpdatesLoseTheConnectionAndKeepTheLastGoodSnapshot() throws {
        let restNaN = Self.updateLine(restEdit: { $0["examplesPerSecond"] = "NaN" })
        let restHuge = Self.updateLine(restEdit: { $0["elapsedSeconds"] = 1e308 })
        let repeated = "[" + Array(repeating: "[0,40]", count: 100_000).joined(separator: ",") + "]"
        let cases: [(String, [UInt8])] = [
            ("delta keeps", Self.update(#"{"trainLoss":{"keep":[[9223372036854775807,2]],"append":[]}}"#)),
            ("delta keeps", Self.update(#"{"trainLoss":{"keep":[[2,9223372036854775807]],"append":[]}}"#)),
            ("delta keeps", Self.update(#"{"trainLoss":{"keep":[[0,-1]],"append":[]}}"#)),
            ("before the end of the previous slice", Self.update(#"{"trainLoss":{"keep":[[10,5],[0,5]],"append":[]}}"#)),
            ("before the end of the previous slice", Self.update(#"{"trainLoss":{"keep":"# + repeated + #","append":[]}}"#)),
            ("trainLoss[40].loss", Self.update(#"{"trainLoss":{"keep":[[0,40]],"append":[[41,2050,-1]]}}"#)),
            ("events[1].step", Self.update(#"{"events":{"keep":[[0,1]],"append":[{"step":-7,"seconds":1,"kind":"info","message":"m"}]}}"#)),
            ("examplesPerSecond", restNaN),
            ("elapsedSeconds", restHuge),
            ("does not fit its field", Self.update(#"{"markers":{"keep":[[0,1]],"append":[{"examples":1e308,"step":1,"kind":"checkpoint"}]}}"#)),
            ("not a JSON object", Array("{\"type\":\"update\",\"upd".utf8) + [10]),
            ("the reason of a 'refused' message", Array(#"{"type":"refused","id":1,"reason":"\#(String(repeating: "r", count: 70_000))"}"#.utf8) + [10]),
            (#"unknown message type '\e[2J'"#, Array(#"{"type":"\u001b[2J"}"#.utf8) + [10]),
            (#"\e[2J"#, Self.updateLine(restEdit: { $0["state"] = "\u{1B}[2J" })),
            (#"bye \e]0;pwned\u{7}"#, Array(#"{"type":"error","reason":"bye \u001b]0;pwned\u0007","closing":true}"#.utf8) + [10]),
        ]
        for (reason, line) in cases {
            let server = try hostile([Self.welcomeLine(), line])
            let client = try ControlClient(path: server.path, client: "test", readOnly: true, timeout: 10)
            wait("the update is refused: \(reason)") { client.connection != .connected }
            let failure = try XCTUnwrap(client.failure, reason)
            XCTAssertTrue(failure.description.hasPrefix("connection lost: "), failure.description)
            XCTAssertTrue(failure.description.contains(reason), "\(reason): \(failure.description)")
            XCTAssertFalse(failure.description.unicodeScalars.contains("\u{1B}"), "no raw ESC reaches the terminal")
            XCTAssertEqual(wire(client.snapshot), wire(client.welcome.snapshot), "\(reason): the copy is the last good one")
            client.detach()
        }
    }

    /// A server flooding refusals cannot grow the client's pending list without bound.
    func testFloodedRefusalsAreBounded() throws {
        let refusals = (0..<1000).map { Array(#"{"type":"refused","id":\#($0),"reason":"no \#($0)"}"#.utf8) + [10] }
        let server = try hostile([Self.welcomeLine()] + refusals + [Array(#"{"type":"bye","reason":"done"}"#.utf8) + [10]])
        let client = try ControlClient(path: server.path, client: "test", readOnly: true, timeout: 10)
        wait("the goodbye") { client.connection == .ended("done") }
        let kept = client.takeRefusals()
        XCTAssertEqual(kept.count, ControlClient.maxPendingRefusals)
        XCTAssertEqual(kept.last, "no 999", "the newest are kept")
    }

    /// A server that closes without a goodbye is a lost connection too, with a reason.
    func testASilentHangUpIsALostConnection() throws {
        let server = try hostile([Self.welcomeLine()], hangUp: true)
        let client = try ControlClient(path: server.path, client: "test", readOnly: true, timeout: 10)
        wait("the hang-up is seen") { client.connection != .connected }
        XCTAssertEqual(client.failure?.description, "connection lost: the run closed the connection without a goodbye")
    }

    /// The delta's own bounds, without a socket: a result longer than allowed is refused before
    /// it is built, and slices must go forward.
    func testDeltaBoundsAreCheckedBeforeAllocating() {
        let old = Array(0..<10)
        let tooMany = ArrayDelta(keep: [.init(start: 0, count: 10)], append: Array(0..<5))
        XCTAssertThrowsError(try tooMany.apply(to: old, maxCount: 14))
        XCTAssertEqual(try tooMany.apply(to: old, maxCount: 15), Array(0..<10) + Array(0..<5))
        for slice in [ArrayDelta<Int>.Slice(start: .max, count: .max), .init(start: -1, count: 2), .init(start: 0, count: 11),
                      .init(start: 10, count: 1), .init(start: 3, count: 0)] {
            XCTAssertThrowsError(try ArrayDelta(keep: [slice], append: []).apply(to: old), "\(slice)")
        }
        XCTAssertThrowsError(try ArrayDelta(keep: [.init(start: 0, count: 5), .init(start: 4, count: 2)], append: []).apply(to: old))
        XCTAssertEqual(try ArrayDelta(keep: [.init(start: 0, count: 5), .init(start: 5, count: 2)], append: []).apply(to: old),
                       Array(0..<7))
    }

    // MARK: - Messages

    /// The fixture's welcome as JSON, edited.
    static func welcomeLine(edit: (inout [String: Any]) -> Void = { _ in },
                            snapshotEdit: (inout [String: Any]) -> Void = { _ in }) -> [UInt8] {
        let welcome = ServerWelcome(version: ControlWire.version, pid: 42, started: 1_700_000_000, readOnly: true,
                                    snapshot: ControlFixtures.snapshot())
        var message = object(try! ControlWire.line(ServerMessage.welcome(welcome)))
        var body = message["welcome"] as! [String: Any]
        var snapshot = body["snapshot"] as! [String: Any]
        snapshotEdit(&snapshot)
        body["snapshot"] = snapshot
        edit(&body)
        message["welcome"] = body
        return line(message)
    }

    /// An update whose `rest` is the fixture's snapshot without histories, edited.
    static func updateLine(restEdit: (inout [String: Any]) -> Void) -> [UInt8] {
        var message = object(try! ControlWire.line(ServerMessage.update(SnapshotDelta(rest: ControlFixtures.snapshot().withoutHistories))))
        var update = message["update"] as! [String: Any]
        var rest = update["rest"] as! [String: Any]
        restEdit(&rest)
        update["rest"] = rest
        message["update"] = update
        return line(message)
    }

    static func update(_ delta: String) -> [UInt8] { Array(#"{"type":"update","update":\#(delta)}"#.utf8) + [10] }

    private static func object(_ line: [UInt8]) -> [String: Any] {
        try! JSONSerialization.jsonObject(with: Data(line.dropLast())) as! [String: Any]
    }

    private static func line(_ object: [String: Any]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object)) + [10]
    }
}

/// A server for one client: reads its hello, sends `lines`, then holds the connection open (or
/// hangs up) until the test ends.
final class HostileServer: @unchecked Sendable {
    let path: String
    private let listener: UnixSocket
    private let done = DispatchSemaphore(value: 0)

    init(path: String, lines: [[UInt8]], hangUp: Bool = false) throws {
        self.path = path
        listener = try UnixSocket.listen(at: path)
        let thread = Thread { [listener, done] in
            var fds = [pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 30_000) > 0, let peer = listener.accept() else { return }
            var buffer = LineBuffer(maxLine: ControlWire.maxClientLine), chunk = [UInt8](repeating: 0, count: 4096)
            reading: while true {
                switch buffer.next() {
                case .line: break reading
                case .tooLong: return
                case .needMore:
                    guard case .bytes(let count) = peer.read(into: &chunk) else { return }
                    buffer.append(chunk[..<count])
                }
            }
            for line in lines { _ = peer.writeAll(line) }
            if hangUp { peer.close() } else { done.wait() }
            peer.close()
        }
        thread.start()
    }

    func stop() {
        done.signal()
        listener.close()
        unlink(path)
    }
}
