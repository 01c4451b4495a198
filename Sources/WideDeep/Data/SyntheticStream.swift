import Dispatch
import Foundation

extension SyntheticCTR {
    /// Writes rows 0, 1, 2, … for as long as `sink` takes them (`wdl gen --endless`): the same bytes
    /// as `generate(rows:)` gives for any prefix (the Avazu header first), made `threads` chunks
    /// at a time in parallel and handed over in order, one chunk per call. Memory stays bounded:
    /// only the `threads` chunks being made are held. Stops when `sink` returns false: it did not take that
    /// chunk (its reader is gone, or it was told to stop). Returns the number of rows taken;
    /// `limit` stops after that many rows (the stream with a limit is `generate`'s file).
    @discardableResult
    public func stream(threads: Int = ProcessInfo.processInfo.activeProcessorCount, limit: Int = .max, sink: ([UInt8]) throws -> Bool) rethrows -> Int {
        if layout == .avazu, try !sink(Array((Self.avazuHeader + "\n").utf8)) { return 0 }
        let chunk = Self.chunkRows, batch = max(1, threads)
        var next = 0
        while next < limit {
            let start = next
            let ranges = (0..<batch).map { c -> Range<Int> in
                let low = min(limit, start + c * chunk)
                return low..<min(limit, low + chunk)
            }.filter { !$0.isEmpty }
            let parts = ChunkResults<[UInt8]>(count: ranges.count)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { c in
                parts.set(c, self.lines(ranges[c]).bytes)
            }
            for (c, range) in ranges.enumerated() {
                guard try sink(parts.take(c)) else { return range.lowerBound }
                next = range.upperBound
            }
        }
        return next
    }
}
