import Foundation
import XCTest
@testable import WdlControl
@testable import WideDeep

final class ControlWireTests: XCTestCase {
    /// The synthesized Codable speaks the wire form of main before it (hand-written then): each
    /// captured snapshot is read and written back as the same JSON object, so `wdl attach` of
    /// either binary reads the other.
    func testSnapshotsOfThePreviousWireFormRoundTripUnchanged() throws {
        for (name, text) in SnapshotWireFixtures.all {
            let decoded = try ControlWire.decode(TrainingSnapshot.self, from: Array(text.utf8))
            let encoded = try ControlWire.line(decoded).dropLast()
            let before = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
            let after = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(encoded)) as? NSDictionary)
            XCTAssertEqual(after, before, name)
        }
        let changed = try ControlWire.decode(TrainingSnapshot.self, from: Array(SnapshotWireFixtures.changed.utf8))
        XCTAssertEqual(changed.lastChanged, .ftrlAlpha)
        XCTAssertEqual(changed.markers.map(\.kind), [.hyperparameter])
        XCTAssertEqual(changed.trainLoss.first?.step, 1, "loss points travel as [step, examples, loss]")
        XCTAssertEqual(changed.trainLoss.first?.examples, 512)
        let loading = try ControlWire.decode(TrainingSnapshot.self, from: Array(SnapshotWireFixtures.loading.utf8))
        XCTAssertEqual(loading.state, .loading)
        XCTAssertNotNil(loading.loading)
    }

    /// Every stored property of the snapshot travels: with synthesized Codable only a
    /// `CodingKeys` that forgot one could drop it, silently (it has a default value).
    func testEveryStoredPropertyIsOnTheWire() throws {
        var full = ControlFixtures.snapshot()
        full.bestCheckpointStep = 7
        full.skippedRowsReasons = ["t.csv:3: expected 4 fields, found 2"]
        full.test = full.best
        let stored = Set(Mirror(reflecting: full).children.compactMap(\.label))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try ControlWire.line(full))) as? [String: Any])
        XCTAssertEqual(Set(object.keys), stored)
    }

    func testSnapshotRoundTripKeepsEveryField() throws {
        let original = ControlFixtures.snapshot()
        let line = try ControlWire.line(original)
        XCTAssertEqual(line.last, UInt8(ascii: "\n"))
        XCTAssertFalse(line.dropLast().contains(UInt8(ascii: "\n")), "a message is one line: the event's newline is escaped")
        let decoded = try ControlWire.decode(TrainingSnapshot.self, from: line.dropLast())
        XCTAssertEqual(wire(decoded), wire(original))
        XCTAssertEqual(decoded.trainLoss, original.trainLoss)
        XCTAssertEqual(decoded.events, original.events)
        XCTAssertEqual(decoded.dense, original.dense)
        XCTAssertNil(decoded.dense[1].deadFraction)
        XCTAssertEqual(decoded.lastChanged, .ftrlAlpha)
        XCTAssertEqual(decoded.bestMetric, .auc)
        XCTAssertEqual(decoded.loading, original.loading)
    }

    func testNonFiniteFiguresTravelAsStrings() throws {
        var snapshot = TrainingSnapshot()
        snapshot.validation = [ValidationPoint(step: 1, epoch: 0, examples: 5,
                                               metrics: EvaluationMetrics(count: 5, logloss: .infinity, auc: .nan, accuracy: 1,
                                                                          meanPrediction: 0.5, positiveRate: 1))]
        let line = try ControlWire.line(snapshot)
        XCTAssertTrue(String(decoding: line, as: UTF8.self).contains("\"auc\":\"NaN\""))
        let decoded = try ControlWire.decode(TrainingSnapshot.self, from: line.dropLast())
        XCTAssertTrue(decoded.validation[0].metrics.auc.isNaN)
        XCTAssertEqual(decoded.validation[0].metrics.logloss, .infinity)
    }

    func testEveryCommandRoundTrips() throws {
        let commands: [TrainingCommand] = [.pause, .resume, .set(.ftrlL1, 0.25), .set(.deepLearningRate, 1e-7), .evaluateNow,
                                           .saveCheckpoint, .rollBack, .stop, .stopWithoutSaving]
        for (id, command) in commands.enumerated() {
            let line = try ControlWire.line(ClientMessage.command(id: id, command))
            XCTAssertEqual(try ControlWire.decode(ClientMessage.self, from: line.dropLast()), .command(id: id, command))
        }
        let hello = ClientMessage.hello(version: 1, client: "me", readOnly: true)
        XCTAssertEqual(try ControlWire.decode(ClientMessage.self, from: try ControlWire.line(hello).dropLast()), hello)
    }

    /// The documented form (docs/control-protocol.md), written by hand.
    func testDocumentedCommandFormIsRead() throws {
        let text = #"{"type":"command","id":7,"command":{"kind":"set","parameter":"deep_lr","value":0.01}}"#
        XCTAssertEqual(try ControlWire.decode(ClientMessage.self, from: Array(text.utf8)),
                       .command(id: 7, .set(.deepLearningRate, 0.01)))
    }

    func testBadMessagesAreNamed() {
        func reason(_ text: String) -> String {
            do {
                _ = try ControlWire.decode(ClientMessage.self, from: Array(text.utf8))
                return "decoded"
            } catch {
                return error.description
            }
        }
        XCTAssertTrue(reason("garbage").contains("not a JSON object"), reason("garbage"))
        XCTAssertTrue(reason(#"{"type":"command","id":1,"command":{"kind":"explode"}}"#).contains("unknown command 'explode'"))
        XCTAssertTrue(reason(#"{"type":"command","id":1,"command":{"kind":"set","parameter":"nope","value":1}}"#)
            .contains("unknown hyperparameter 'nope'"))
        XCTAssertTrue(reason(#"{"type":"command","command":{"kind":"pause"}}"#).contains("missing field 'id'"))
        XCTAssertTrue(reason(#"{"type":"dance"}"#).contains("unknown message type 'dance'"))
    }

    func testLineBufferSplitsLinesAndBoundsThem() {
        var buffer = LineBuffer(maxLine: 8)
        buffer.append(Array("ab\ncd".utf8)[...])
        XCTAssertEqual(buffer.next(), .line(Array("ab".utf8)))
        XCTAssertEqual(buffer.next(), .needMore)
        buffer.append(Array("e\n".utf8)[...])
        XCTAssertEqual(buffer.next(), .line(Array("cde".utf8)))
        buffer.append(Array("123456789".utf8)[...])
        XCTAssertEqual(buffer.next(), .tooLong, "9 bytes without a newline already exceed 8")
    }

    /// Lines arriving a byte at a time, and several in one chunk, come out whole and in order
    /// (the buffer resumes its newline search where the last one stopped).
    func testLineBufferReassemblesLinesFromAnyChunking() {
        let text = Array("first line\nsecond\n\nlast one here\n".utf8)
        for chunk in [1, 2, 3, 7, text.count] {
            var buffer = LineBuffer(maxLine: 16)
            var lines: [String] = []
            for start in stride(from: 0, to: text.count, by: chunk) {
                buffer.append(text[start..<min(text.count, start + chunk)])
                while case .line(let line) = buffer.next() { lines.append(String(decoding: line, as: UTF8.self)) }
            }
            XCTAssertEqual(lines, ["first line", "second", "", "last one here"], "chunks of \(chunk)")
        }
        var buffer = LineBuffer(maxLine: 16)
        let bytes = Array("0123456789abcdefg".utf8)
        let answers = bytes.map { byte -> LineBuffer.Next in
            buffer.append([byte][...])
            return buffer.next()
        }
        XCTAssertEqual(answers, Array(repeating: .needMore, count: 16) + [.tooLong], "17 bytes a byte at a time")
    }
}
