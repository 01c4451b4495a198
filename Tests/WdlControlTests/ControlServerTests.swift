import Foundation
import Synchronization
import XCTest
@testable import WdlControl
@testable import WideDeep
import WDLTestSupport

final class ControlServerTests: XCTestCase {
    private func serve(_ control: any TrainingControl, limits: ControlServer.Limits = .init()) throws -> ControlServer {
        let server = try ControlServer(path: try socketPath(), control: control, limits: limits)
        addTeardownBlock { server.stop() }
        return server
    }

    private func welcome(_ client: RawClient, file: StaticString = #filePath, line: UInt = #line) -> ServerWelcome? {
        guard case .welcome(let welcome) = client.next() else {
            XCTFail("expected a welcome", file: file, line: line)
            return nil
        }
        return welcome
    }

    func testHelloGetsTheSnapshotThenUpdatesCarryOnlyNewPoints() throws {
        let control = RecordingControl()
        let server = try serve(control)
        let client = try RawClient(server.path)
        client.hello()
        let welcome = try XCTUnwrap(welcome(client))
        XCTAssertEqual(welcome.version, ControlWire.version)
        XCTAssertEqual(welcome.pid, getpid())
        XCTAssertEqual(wire(welcome.snapshot), wire(control.snapshot))

        control.change { s in
            s.trainLoss.append(LossPoint(step: 41, examples: 2050, loss: 0.5))
            s.step = 41
        }
        guard case .update(let delta) = client.next() else { return XCTFail("expected an update") }
        XCTAssertEqual(delta.trainLoss?.keep, [.init(start: 0, count: 40)], "the 40 points the client has are kept")
        XCTAssertEqual(delta.trainLoss?.append, [LossPoint(step: 41, examples: 2050, loss: 0.5)])
        XCTAssertNil(delta.validation, "unchanged histories are left out")
        XCTAssertNil(delta.events)
        XCTAssertEqual(delta.rest?.step, 41)
        XCTAssertEqual(delta.rest?.trainLoss, [], "rest carries no history")
    }

    func testCommandsAreAcknowledgedWithTheirSource() throws {
        let control = RecordingControl()
        let server = try serve(control)
        let client = try RawClient(server.path)
        client.hello()
        _ = welcome(client)
        client.send(.command(id: 5, .set(.deepLearningRate, 0.01)))
        guard case .ack(5) = client.nextAnswer() else { return XCTFail("expected ack 5") }
        let (command, source) = try XCTUnwrap(control.commands.first)
        XCTAssertEqual(command, .set(.deepLearningRate, 0.01))
        XCTAssertEqual(source, .attached("raw test client (pid \(getpid()))"))
    }

    func testOutOfRangeValueAndReadOnlyClientAreRefused() throws {
        let control = RecordingControl()
        let server = try serve(control)
        let writer = try RawClient(server.path)
        writer.hello()
        _ = welcome(writer)
        writer.send(.command(id: 1, .set(.deepLearningRate, -1)))
        guard case .refused(1, let reason) = writer.nextAnswer() else { return XCTFail("expected a refusal") }
        XCTAssertTrue(reason.contains("deep lr must be in"), reason)

        let watcher = try RawClient(server.path)
        watcher.hello(readOnly: true)
        XCTAssertEqual(welcome(watcher)?.readOnly, true)
        watcher.send(.command(id: 2, .pause))
        guard case .refused(2, let readOnly) = watcher.nextAnswer() else { return XCTFail("expected a refusal") }
        XCTAssertTrue(readOnly.contains("read-only"), readOnly)
        XCTAssertTrue(control.commands.isEmpty, "nothing reached the run")
    }

    func testWrongVersionIsRefusedAndClosed() throws {
        let server = try serve(RecordingControl())
        let client = try RawClient(server.path)
        client.hello(version: 99)
        guard case .error(let reason, closing: true) = client.next() else { return XCTFail("expected an error") }
        XCTAssertTrue(reason.contains("version 99 is not supported"), reason)
        XCTAssertNil(client.next(), "closed")
    }

    func testGarbageIsAnsweredAndTheConnectionAndOthersGoOn() throws {
        let control = RecordingControl()
        let server = try serve(control)
        let other = try RawClient(server.path)
        other.hello()
        _ = welcome(other)
        let client = try RawClient(server.path)
        client.hello()
        _ = welcome(client)
        client.send("this is not json\n")
        guard case .error(let reason, closing: false) = client.nextAnswer() else { return XCTFail("expected an error") }
        XCTAssertTrue(reason.contains("unreadable message"), reason)
        client.send(.command(id: 3, .pause))
        guard case .ack(3) = client.nextAnswer() else { return XCTFail("the connection goes on") }

        client.send([UInt8](repeating: UInt8(ascii: "x"), count: ControlWire.maxClientLine + 10))
        guard case .error(let long, closing: true) = client.nextAnswer() else { return XCTFail("expected an error") }
        XCTAssertTrue(long.contains("longer than"), long)
        XCTAssertNil(client.next(), "an oversized message closes its connection")

        other.send(.command(id: 4, .resume))
        guard case .ack(4) = other.nextAnswer() else { return XCTFail("the other client is still served") }
        XCTAssertEqual(control.commands.map(\.0), [.pause, .resume])
    }

    func testTooManyClientsTheNextIsRefused() throws {
        var limits = ControlServer.Limits()
        limits.maxClients = 2
        let server = try serve(RecordingControl(), limits: limits)
        let first = try RawClient(server.path), second = try RawClient(server.path)
        for client in [first, second] {
            client.hello()
            _ = welcome(client)
        }
        let third = try RawClient(server.path)
        guard case .error(let reason, closing: true) = third.next() else { return XCTFail("expected a refusal") }
        XCTAssertTrue(reason.contains("too many clients"), reason)
        XCTAssertNil(third.next())
        second.socket.close()
        wait("the second client's slot freed") { server.clients == 1 }
        let fourth = try RawClient(server.path)
        fourth.hello()
        XCTAssertNotNil(welcome(fourth))
    }

    /// Peers that connect and hang up at once (a run picker's probes, a script) free their slots
    /// before the limit is checked: with the server held up while 2× the limit of them and then
    /// a real client queue, all are accepted in one go, and the real client is welcomed.
    func testPeersThatHungUpDoNotCountTowardTheLimit() throws {
        var limits = ControlServer.Limits()
        limits.maxClients = 4
        let control = GatedControl()
        let server = try serve(control, limits: limits)
        let first = try RawClient(server.path)
        first.hello()
        control.entered.wait()
        for _ in 0..<(2 * limits.maxClients) { try RawClient(server.path).socket.close() }
        let real = try RawClient(server.path)
        real.hello()
        control.open.signal()
        XCTAssertNotNil(welcome(first))
        XCTAssertNotNil(welcome(real), "the hung-up peers were counted as clients")
        wait("the hung-up peers are gone") { server.clients == 2 }
    }

    func testSocketIsMode0600AndRemovedAtStopWithAGoodbye() throws {
        let control = RecordingControl()
        let server = try ControlServer(path: try socketPath(), control: control)
        var info = stat()
        XCTAssertEqual(lstat(server.path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFSOCK)
        let client = try ControlClient(path: server.path, client: "test", readOnly: false)
        control.change { $0.state = .finished }
        server.stop(reason: "run ended")
        wait("the client hears the goodbye") { client.connection == .ended("run ended") }
        XCTAssertEqual(client.snapshot.state, .finished, "the last update came before the goodbye")
        XCTAssertFalse(FileManager.default.fileExists(atPath: server.path))
    }

    func testStaleSocketIsReplacedLiveOneNotStolenOtherFilesNotTouched() throws {
        let path = try socketPath()
        // A socket file whose process is gone: bound, never unlinked.
        let dead = try UnixSocket.listen(at: path)
        dead.close()
        XCTAssertEqual(UnixSocket.probe(path), .stale)
        let server = try ControlServer(path: path, control: RecordingControl())
        XCTAssertThrowsError(try ControlServer(path: path, control: RecordingControl())) { error in
            XCTAssertEqual(error as? ControlError, .inUse(path))
            XCTAssertEqual((error as? ControlError)?.description, "another run is serving \(path)")
        }
        XCTAssertNotNil(try? ControlClient(path: path, client: "still served", readOnly: true), "the live run kept its socket")
        server.stop()

        let file = path + ".txt"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try ControlServer(path: file, control: RecordingControl())) { error in
            XCTAssertEqual(error as? ControlError, .notASocket(file))
        }
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "precious")
    }

    func testClientMirrorsTheRunAndSendsCommands() throws {
        let control = RecordingControl()
        let server = try serve(control)
        let client = try ControlClient(path: server.path, client: "mirror", readOnly: false)
        XCTAssertEqual(client.welcome.snapshot.runName, "fixture")
        control.change { s in
            s.validation = []
            s.events.append(RunEvent(step: 50, seconds: 3, kind: .state, message: "paused"))
            s.state = .paused
        }
        wait("the client's copy follows") { client.snapshot.state == .paused }
        XCTAssertEqual(wire(client.snapshot), wire(control.snapshot))
        client.send(.resume)
        wait("the command arrives") { control.commands.count == 1 }
        XCTAssertEqual(control.commands[0].0, .resume)
        client.detach()
        XCTAssertEqual(client.connection, .detached, "closing it ourselves is not a lost connection")
        wait("the server sees the client go") { server.clients == 0 }
    }

    func testReadOnlyClientHearsItsRefusal() throws {
        let control = RecordingControl()
        let server = try serve(control)
        let client = try ControlClient(path: server.path, client: "watcher", readOnly: true)
        client.send(.pause)
        var refusals: [String] = []
        wait("the refusal") {
            refusals += client.takeRefusals()
            return !refusals.isEmpty
        }
        XCTAssertTrue(refusals[0].contains("read-only"))
        XCTAssertTrue(control.commands.isEmpty)
    }

    func testRuntimeFolderIsPrivateAndNamesSocketsAfterTheRun() throws {
        let base = try socketPath("runtime")
        let folder = RuntimeFolder.standard(environment: ["XDG_RUNTIME_DIR": URL(fileURLWithPath: base).deletingLastPathComponent().path])
        XCTAssertTrue(folder.path.hasSuffix("/wdl"))
        try folder.prepare()
        var info = stat()
        XCTAssertEqual(lstat(folder.path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o700)
        XCTAssertEqual(folder.socketPath(runName: "my run/../x", pid: 42), folder.path + "/my_run_.._x-42.sock")
        XCTAssertEqual(RuntimeFolder.standard(environment: [:]).path, "/tmp/wdl-\(geteuid())")

        let link = folder.path + "-link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder.path)
        XCTAssertThrowsError(try RuntimeFolder(path: link).prepare()) { error in
            XCTAssertTrue("\(error)".contains("symlink"), "\(error)")
        }

        let server = try ControlServer(path: folder.socketPath(runName: "fixture"), control: RecordingControl())
        let dead = try UnixSocket.listen(at: folder.socketPath(runName: "dead", pid: 1))
        dead.close()
        let runs = folder.liveRuns(client: "lister")
        XCTAssertEqual(runs.map(\.path), [server.path], "the stale socket is skipped")
        XCTAssertEqual(runs.first?.welcome.snapshot.runName, "fixture")
        server.stop()
    }
}

/// A run whose first snapshot read holds the server's thread until the test opens the gate: what
/// arrives meanwhile waits in the listen queue, to be accepted in one go.
private final class GatedControl: TrainingControl, @unchecked Sendable {
    let entered = DispatchSemaphore(value: 0)
    let open = DispatchSemaphore(value: 0)
    private let first = Mutex(true)

    func send(_ command: TrainingCommand) {}

    var snapshot: TrainingSnapshot {
        let isFirst = first.withLock { value in
            defer { value = false }
            return value
        }
        if isFirst {
            entered.signal()
            open.wait()
        }
        return ControlFixtures.snapshot()
    }
}
