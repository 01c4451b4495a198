import Foundation
import XCTest
@testable import WdlControl
@testable import WideDeep
import WDLTestSupport

/// Random, truncated and oversized messages (and commands from read-only clients) against a
/// server fronting a real training session: the run must end exactly as the same seeded run
/// without any of it.
final class ControlFuzzTests: XCTestCase {
    func testFuzzedClientsLeaveTheRunUntouched() throws {
        let folder = try TemporaryFolder()
        var config = try SmallRun.config(in: folder)
        // Long enough for many fuzzing connections while it trains.
        config.train.epochs = 40
        config.train.evalEvery = 2000
        let plain = SmallRun.run(config)

        let session = TrainingSession(config: config)
        let server = try ControlServer(path: try socketPath(), control: session)
        session.start()
        var generator = SeededGenerator(seed: 99)
        var duringTraining = 0
        while !session.waitUntilFinished(timeout: 0.001) {
            guard let client = try? RawClient(server.path) else { continue }
            Self.fuzz(client, generator: &generator)
            client.socket.close()
            duringTraining += 1
        }
        server.stop()
        XCTAssertGreaterThan(duringTraining, 5, "the fuzzing must overlap the training")
        let fuzzed = session.snapshot
        XCTAssertEqual(fuzzed.state, .finished)
        XCTAssertEqual(fuzzed.trainLoss, plain.trainLoss)
        XCTAssertEqual(fuzzed.validation, plain.validation)
        XCTAssertFalse(fuzzed.events.contains { $0.kind == .state || $0.kind == .hyperparameter },
                       "no command reached the run: \(fuzzed.events.map(\.message))")
    }

    private static func fuzz(_ client: RawClient, generator: inout SeededGenerator) {
        let valid = Array(#"{"type":"command","id":1,"command":{"kind":"set","parameter":"deep_lr","value":0.5}}"#.utf8)
        switch generator.next() % 6 {
        case 0:
            // Random bytes; the newline makes the server answer (it waits for a whole line).
            client.send((0..<Int(generator.next() % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) } + [10])
        case 1:
            // Hello, then a valid command cut short (never complete).
            client.hello()
            client.send(Array(valid.prefix(Int(generator.next() % UInt64(valid.count)))) + [UInt8(ascii: "\n")])
        case 2:
            client.send([UInt8](repeating: UInt8(ascii: "{"), count: ControlWire.maxClientLine + Int(generator.next() % 100)))
        case 3:
            client.hello(version: Int(generator.next() % 5) + 2)
            client.send(valid + [UInt8(ascii: "\n")])
        case 4:
            // A watcher's commands are refused, however valid.
            client.hello(readOnly: true)
            for kind in ["pause", "stop", "stopWithoutSaving"] {
                client.send(#"{"type":"command","id":2,"command":{"kind":"\#(kind)"}}"# + "\n")
            }
        default:
            // Bytes flipped in a valid command.
            client.hello()
            var bytes = valid
            for _ in 0..<3 { bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next()) }
            client.send(bytes.filter { $0 != UInt8(ascii: "\n") } + [UInt8(ascii: "\n")])
        }
        // Each case gets an answer (a welcome or an error): wait for it, so that the fuzzing
        // keeps pace with the server.
        _ = client.next()
    }
}
