import Foundation
import Synchronization
import XCTest
@testable import WideDeep
import WDLTestSupport

/// The queue between the reader thread and the training loop really bounds what is read ahead.
final class BoundedQueueTests: XCTestCase {
    func testProducerWaitsWhenFullAndEverythingArrivesInOrder() throws {
        let queue = BoundedQueue<Int>(capacity: 3)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            for i in 0..<50 { queue.push(i) }
            queue.close()
            finished.signal()
        }.start()
        wait("the producer to block on a full queue") { queue.statistics.producerWaiting }
        XCTAssertEqual(queue.depth, 3)
        XCTAssertEqual(queue.statistics.pushed, 3, "nothing beyond the capacity was accepted")
        XCTAssertEqual(try queue.pop(), 0)
        wait("the producer to fill the freed place") { queue.statistics.pushed == 4 && queue.statistics.producerWaiting }
        XCTAssertEqual(queue.depth, 3)
        var got: [Int] = [0]
        while let next = try queue.pop() { got.append(next) }
        finished.wait()
        XCTAssertEqual(got, Array(0..<50))
        XCTAssertEqual(queue.statistics.maxDepth, 3)
        XCTAssertEqual(queue.statistics.popped, 50)
    }

    func testCancelReleasesAWaitingProducerAndCloseCarriesAnError() throws {
        let queue = BoundedQueue<Int>(capacity: 1)
        let result = Mutex<[Bool]>([])
        let finished = DispatchSemaphore(value: 0)
        Thread {
            for i in 0..<3 { let ok = queue.push(i); result.withLock { $0.append(ok) } }
            finished.signal()
        }.start()
        wait("the producer to block") { queue.statistics.producerWaiting }
        queue.cancel()
        finished.wait()
        XCTAssertEqual(result.withLock { $0 }, [true, false, false])

        let failing = BoundedQueue<Int>(capacity: 2)
        failing.push(1)
        failing.close(error: DataError(file: "f.tsv", line: 3, "bad"))
        XCTAssertEqual(try failing.pop(), 1, "queued elements come before the error")
        assertContains(thrownDescription { _ = try failing.pop() }, "f.tsv:3", "bad")
    }

    private final class Token: Sendable {}

    /// A taken element is not kept by the queue (an encoded chunk is freed once trained on).
    func testPoppedElementsAreReleased() throws {
        let queue = BoundedQueue<Token>(capacity: 4)
        weak var first: Token?
        do {
            let token = Token()
            first = token
            queue.push(token)
            queue.push(Token())
        }
        XCTAssertNotNil(first)
        _ = try queue.pop()
        XCTAssertNil(first, "popped, so no longer referenced")
        XCTAssertEqual(queue.depth, 1)
    }

    /// The reader of a streamed pass holds at most `queueCapacity` encoded chunks ahead of a
    /// training loop that is not taking them, and every row still arrives, in file order.
    func testTrainingStreamReadsAheadAtMostTheQueueCapacity() throws {
        let folder = try TemporaryFolder()
        let config = try StreamingFixtures.config(in: folder)
        var options = StreamingFixtures.stream(blockBytes: 300)
        options.queueCapacity = 2
        let (data, plan) = try RunData.loadStreaming(config: config, options: options, threads: 1)
        let stream = EncodedChunkReader(plan: plan, encoder: FeatureEncoder(layout: data.layout), threads: 1, shuffleSeed: nil)
        stream.start()
        defer { stream.stop() }
        var rows = 0
        var labels: [Float] = []
        let first = try XCTUnwrap(try stream.next())
        rows += first.data.count
        labels += first.data.labels
        // The flag alone is not enough: right after the pop above the reader may still be flagged
        // as waiting from before, with one chunk queued, until it wakes and refills the queue.
        wait("the reader to block on the full queue") {
            stream.queue.statistics.producerWaiting && stream.queue.depth == 2
        }
        XCTAssertEqual(stream.queue.depth, 2)
        XCTAssertEqual(stream.queue.statistics.pushed, 3, "one taken, two waiting, the next one held back")
        while let chunk = try stream.next() {
            rows += chunk.data.count
            labels += chunk.data.labels
        }
        let whole = try DatasetReader(schema: plan.schema).read(path: plan.path)
        XCTAssertEqual(rows, 2000)
        XCTAssertEqual(labels, whole.labels)
        XCTAssertGreaterThan(stream.queue.statistics.pushed, 20, "300-byte blocks: many chunks")
        XCTAssertLessThanOrEqual(stream.queue.statistics.maxDepth, 2)
    }

    func testStoppingAPassEndsTheReaderThread() throws {
        let folder = try TemporaryFolder()
        let config = try StreamingFixtures.config(in: folder)
        let (data, plan) = try RunData.loadStreaming(config: config, options: StreamingFixtures.stream(blockBytes: 200), threads: 1)
        let stream = EncodedChunkReader(plan: plan, encoder: FeatureEncoder(layout: data.layout), threads: 1, shuffleSeed: nil)
        stream.start()
        _ = try stream.next()
        stream.stop()  // returns only once the reader thread has ended
        stream.stop()
        XCTAssertNil(try stream.next(), "a cancelled stream gives nothing more")
    }
}
