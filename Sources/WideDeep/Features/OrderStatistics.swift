/// Order statistics without a full sort: quantile buckets when fitting the layout, and the
/// dashboard's chart scales.
public enum OrderStatistics {
    /// The values of rank `ranks` (0-based, each below `values.count`) in ascending order: what
    /// `values.sorted()[rank]` gives, for each rank. `values` (no NaN) is reordered.
    ///
    /// Quickselect for several ranks at once (Hoare 1961): a three-way partition around a
    /// median-of-three pivot, recursing only into the parts that hold a wanted rank. Expected
    /// O(n log k) for k ranks; equal keys (count data is full of them) settle in one pass.
    /// Measured on 13 Criteo columns of 1M rows: the layout fit took 0.46 s with sorting.
    @inlinable
    public static func select<Value: Comparable>(_ values: inout [Value], ranks: [Int]) -> [Value] {
        guard let placeholder = values.first else { return [] }
        var result = [Value](repeating: placeholder, count: ranks.count)
        let order = ranks.indices.sorted { ranks[$0] < ranks[$1] }
        values.withUnsafeMutableBufferPointer { v in
            // (values lo..<hi, wanted ranks order[first..<last]), all of those ranks in lo..<hi.
            var pending = [(lo: 0, hi: v.count, first: 0, last: order.count)]
            while let (lo, hi, first, last) = pending.popLast() {
                guard first < last else { continue }
                if hi - lo <= 16 {
                    var small = UnsafeMutableBufferPointer(rebasing: v[lo..<hi])
                    small.sort()
                    for i in first..<last { result[order[i]] = v[ranks[order[i]]] }
                    continue
                }
                let pivot = Self.medianOfThree(v[lo], v[(lo + hi) / 2], v[hi - 1])
                // [lo, less) < pivot, [less, greater) == pivot, [greater, hi) > pivot.
                var less = lo, i = lo, greater = hi
                while i < greater {
                    if v[i] < pivot {
                        v.swapAt(less, i)
                        less += 1
                        i += 1
                    } else if v[i] > pivot {
                        greater -= 1
                        v.swapAt(i, greater)
                    } else {
                        i += 1
                    }
                }
                var a = first
                while a < last && ranks[order[a]] < less { a += 1 }
                var b = a
                while b < last && ranks[order[b]] < greater {
                    result[order[b]] = pivot
                    b += 1
                }
                pending.append((lo, less, first, a))
                pending.append((greater, hi, b, last))
            }
        }
        return result
    }

    @usableFromInline
    static func medianOfThree<Value: Comparable>(_ a: Value, _ b: Value, _ c: Value) -> Value {
        max(min(a, b), min(max(a, b), c))
    }
}
