import Foundation
import XCTest
@testable import WdlControl
@testable import WideDeep

final class SnapshotDeltaTests: XCTestCase {
    func testAppendingSendsOnlyTheNewPoints() throws {
        let old = (1...100).map { LossPoint(step: $0, examples: $0, loss: 1 / Double($0)) }
        let new = old + (101...103).map { LossPoint(step: $0, examples: $0, loss: 0.5) }
        let delta = ArrayDelta(from: old, to: new)
        XCTAssertEqual(delta.keep, [.init(start: 0, count: 100)])
        XCTAssertEqual(delta.append.map(\.step), [101, 102, 103])
        XCTAssertEqual(try delta.apply(to: old), new)
    }

    func testMiddleRemovalKeepsBothSides() throws {
        let old = Array(0..<10), new = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10]
        let delta = ArrayDelta(from: old, to: new)
        XCTAssertEqual(delta.keep, [.init(start: 0, count: 3), .init(start: 4, count: 6)])
        XCTAssertEqual(delta.append, [10])
    }

    func testASliceOutsideTheClientsCopyIsAnError() {
        let delta = ArrayDelta<Int>(keep: [.init(start: 2, count: 5)], append: [])
        XCTAssertThrowsError(try delta.apply(to: [1, 2, 3]))
    }

    /// Property: over random sequences of the edits the session makes to its histories, a
    /// client that receives some updates (and misses others: each update is computed against
    /// what it last received) always ends with exactly the server's arrays.
    func testClientReconstructionEqualsServerOverRandomEdits() throws {
        var generator = SeededGenerator(seed: 2024)
        for trial in 0..<200 {
            var server = TrainingSnapshot()
            var history = LossHistory(capacity: 16)
            var client = server
            var sent = server
            var step = 0
            for _ in 0..<60 {
                Self.edit(&server, history: &history, step: &step, generator: &generator)
                // The client misses about a third of the updates (a slow reader).
                guard generator.next() % 3 != 0 else { continue }
                let delta = SnapshotDelta(from: sent, to: server, restChanged: generator.next() % 2 == 0 || trial == 0)
                let line = try ControlWire.line(delta)
                client = try ControlWire.decode(SnapshotDelta.self, from: line.dropLast()).apply(to: client)
                sent = server
                XCTAssertEqual(client.trainLoss, server.trainLoss, "trial \(trial)")
                XCTAssertEqual(client.validation, server.validation, "trial \(trial)")
                XCTAssertEqual(client.markers, server.markers, "trial \(trial)")
                XCTAssertEqual(client.events, server.events, "trial \(trial)")
            }
            let last = SnapshotDelta(from: sent, to: server, restChanged: true)
            client = try last.apply(to: client)
            XCTAssertEqual(wire(client), wire(server), "trial \(trial): the whole snapshot")
        }
    }

    /// One random change of the kinds the session makes: loss points through a real
    /// `LossHistory` (appends and pair merges), validation appended or cut back (a rollback),
    /// events appended with the oldest evicted from the front or the middle (bounded list),
    /// markers appended; and a counter.
    private static func edit(_ s: inout TrainingSnapshot, history: inout LossHistory, step: inout Int,
                             generator: inout SeededGenerator) {
        switch generator.next() % 6 {
        case 0, 1:
            for _ in 0..<Int(generator.next() % 7) {
                step += 1
                history.add(LossPoint(step: step, examples: step * 10, loss: Double(generator.next() % 1000) / 1000))
            }
            s.trainLoss = history.points
        case 2:
            s.validation.append(ValidationPoint(step: step, epoch: 0, examples: step * 10,
                                                metrics: ControlFixtures.metrics(Double(generator.next() % 100) / 100)))
        case 3:
            s.validation.removeLast(Int(generator.next() % UInt64(s.validation.count + 1)))
        case 4:
            for _ in 0..<Int(generator.next() % 4) {
                let kind: RunEvent.Kind = generator.next() % 2 == 0 ? .evaluation : .info
                s.events.append(RunEvent(step: step, seconds: Double(step), kind: kind, message: "e\(generator.next() % 50)"))
                if s.events.count > 12 {
                    if let oldest = s.events.firstIndex(where: { $0.kind == .evaluation }) {
                        s.events.remove(at: oldest)
                    } else {
                        s.events.removeFirst()
                    }
                }
            }
        default:
            s.markers.append(RunMarker(examples: step * 10, step: step, kind: .checkpoint))
            s.step = step
        }
    }
}
