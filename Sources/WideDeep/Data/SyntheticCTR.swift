import Dispatch
import Foundation

/// Deterministic synthetic click data in Criteo's layout, drawn from a planted logistic model
/// whose parts each favour one kind of model:
///
/// - per-category effects on eight fields (any model learns these);
/// - effects of five field pairs (C5×C8, C11×C14, C17×C20, C1×C13, C4×C10) that are not sums
///   of per-field effects: only a cross feature can memorize them;
/// - a rank-4 latent interaction ⟨u(C3), v(C12)⟩ between two high-cardinality fields, which
///   embeddings can learn and sparse crosses mostly cannot (too many pairs);
/// - nonlinear effects of I1, I2 and I3;
/// - Zipf-distributed category frequencies (exponent 1.1) and missing values.
///
/// `modelSeed` fixes the planted model; `seed` the rows. Row r is drawn from its own generator
/// seeded by (seed, r), so any row can be generated alone and in parallel.
///
/// `driftPoints` make the planted model change along the rows: from the k-th point on (k = 1, 2,
/// …) every effect (per-category, pair, latent, but not the integer effects' fixed shapes) is
/// redrawn as under model seed `modelSeed + k`. Everything is redrawn, not a part, so a drift is a
/// clear dip a learner must recover from. A row's features, and the text of its category values
/// (always from `modelSeed`), are drawn as without drift; only its probability and label follow
/// the model in force at its index.
///
/// The `.avazu` layout writes a CSV with Avazu's header and columns (id, click, hour, then 21
/// categorical columns): the first 21 categorical fields of the same draw fill them, and the
/// planted model then uses only what is written (no integer effects, no effect of C22).
public struct SyntheticCTR: Sendable {
    public let seed: UInt64
    public let modelSeed: UInt64
    public let layout: Layout
    /// Added to the planted model's intercept (`bias`): 0 for the default data (~25% positive),
    /// negative for rare clicks as in real CTR logs (see `interceptShift(positiveRate:)`).
    public let interceptShift: Double
    /// Rows (sorted, distinct, positive) at which the planted model is redrawn; empty: no drift.
    public let driftPoints: [Int]

    public enum Layout: String, Sendable, CaseIterable {
        /// Criteo's TSV: label, I1…I13, C1…C26, no header.
        case criteo
        /// Avazu's CSV with its header: a unique id, the click label, the hour (YYMMDDHH) and 21
        /// categorical columns.
        case avazu
    }

    /// Avazu's columns after id, click and hour: all categorical.
    public static let avazuCategorical = ["C1", "banner_pos", "site_id", "site_domain", "site_category", "app_id",
                                          "app_domain", "app_category", "device_id", "device_ip", "device_model",
                                          "device_type", "device_conn_type", "C14", "C15", "C16", "C17", "C18",
                                          "C19", "C20", "C21"]
    public static var avazuHeader: String { (["id", "click", "hour"] + avazuCategorical).joined(separator: ",") }
    /// Values per categorical field C1…C26.
    public static let cardinalities = [1000, 500, 300, 2000, 100, 20, 10000, 200, 5, 300, 150, 200, 400,
                                       120, 8000, 40, 250, 60, 2500, 180, 15000, 12, 30, 5000, 80, 3000]
    static let effectFields: [Int: Double] = [0: 0.35, 1: 0.3, 4: 0.35, 5: 0.4, 8: 0.35, 12: 0.3, 15: 0.35, 21: 0.4]
    static let crossPairs = [(4, 7), (10, 13), (16, 19), (0, 12), (3, 9)]
    static let crossScale = 0.6
    static let latentFields = (2, 11)
    static let latentRank = 4
    static let latentScale = 0.7
    static let bias = -3.0
    private let cumulative: [[Double]]

    /// `driftPoints` must be positive; they are sorted and deduplicated here.
    public init(seed: UInt64, modelSeed: UInt64 = 2016, layout: Layout = .criteo, interceptShift: Double = 0,
                driftPoints: [Int] = []) {
        precondition(driftPoints.allSatisfy { $0 > 0 }, "drift points are row indices from 1")
        self.seed = seed
        self.modelSeed = modelSeed
        self.layout = layout
        self.interceptShift = interceptShift
        self.driftPoints = Array(Set(driftPoints)).sorted()
        cumulative = Self.cardinalities.map { n in
            var total = 0.0
            var table = [Double](repeating: 0, count: n)
            for k in 0..<n {
                total += 1 / pow(Double(k + 1), 1.1)
                table[k] = total
            }
            return table.map { $0 / total }
        }
    }

    /// One row: its label, text fields and true click probability.
    public struct Row: Sendable {
        public var label: Int
        public var probability: Double
        public var integers: [Int?]
        public var categories: [Int?]
    }

    private func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0) -> UInt64 {
        StableHash.fmix64(StableHash.fmix64(a ^ StableHash.fmix64(b &+ 0x9e37_79b9_7f4a_7c15)) ^ c)
    }

    /// A standard normal that depends only on (effects' seed, key…).
    private func gaussian(_ effectSeed: UInt64, _ a: UInt64, _ b: UInt64, _ c: UInt64 = 0) -> Double {
        var g = SeededGenerator(seed: mix(effectSeed ^ a, b, c))
        return g.nextGaussian()
    }

    /// How many drift points row `index` is at or past: 0 for the original model.
    public func driftCount(atRow index: Int) -> Int {
        var low = 0, high = driftPoints.count  // first point above index
        while low < high {
            let mid = (low + high) / 2
            if driftPoints[mid] <= index { low = mid + 1 } else { high = mid }
        }
        return low
    }

    public func row(_ index: Int) -> Row {
        var g = SeededGenerator(seed: mix(seed, UInt64(index), 0x5EED))
        var categories = [Int?](repeating: nil, count: 26)
        for f in 0..<26 {
            let u = g.nextUnit()
            if g.nextUnit() < 0.03 { continue }  // missing
            let table = cumulative[f]
            var low = 0, high = table.count - 1
            while low < high {
                let mid = (low + high) / 2
                if table[mid] < u { low = mid + 1 } else { high = mid }
            }
            categories[f] = low
        }
        var integers = [Int?](repeating: nil, count: 13)
        for k in 0..<13 {
            if g.nextUnit() < (k == 0 ? 0.3 : 0.08) { continue }
            let logValue = g.nextGaussian() * (0.8 + 0.1 * Double(k % 4)) + (1 + 0.3 * Double(k % 5))
            var v = Int(exp(logValue)) - 1
            if k == 1 { v -= 2 }  // like Criteo's I2, which goes below zero
            integers[k] = v
        }
        let avazu = layout == .avazu
        if avazu {  // only what the layout writes enters the model
            integers = integers.map { _ in nil }
            for f in Self.avazuCategorical.count..<26 { categories[f] = nil }
        }
        let effectSeed = modelSeed &+ UInt64(driftCount(atRow: index))
        var logit = Self.bias + interceptShift
        for (f, scale) in Self.effectFields {
            if let c = categories[f] { logit += scale * gaussian(effectSeed, 1, UInt64(f), UInt64(c)) }
        }
        for (p, (a, b)) in Self.crossPairs.enumerated() {
            if let x = categories[a], let y = categories[b] {
                logit += Self.crossScale * gaussian(effectSeed, 2 + UInt64(p) << 8, UInt64(x), UInt64(y))
            }
        }
        if let x = categories[Self.latentFields.0], let y = categories[Self.latentFields.1] {
            var dot = 0.0
            for r in 0..<Self.latentRank {
                dot += gaussian(effectSeed, 3, UInt64(x), UInt64(r)) * gaussian(effectSeed, 4, UInt64(y), UInt64(r))
            }
            logit += Self.latentScale * dot
        }
        if let i1 = integers[0] { logit += 0.6 * sin(1.5 * log1p(Double(max(0, i1)))) }
        if let i2 = integers[1] { logit += i2 > 3 ? -0.6 : 0.2 }
        if let i3 = integers[2] {
            let t = log1p(Double(max(0, i3))) - 1.5
            logit += 0.5 - 0.35 * t * t
        }
        let p = 1 / (1 + exp(-logit))
        let label = g.nextUnit() < p ? 1 : 0
        return Row(label: label, probability: p, integers: integers, categories: categories)
    }

    /// Rows of the reference sample `interceptShift(positiveRate:)` calibrates on: from a seed
    /// no data file is likely to use, so the shift depends on the planted model only and a train
    /// and a validation file (same model seed, different row seeds) share it.
    static let calibrationRows = 20_000
    static let calibrationSeed: UInt64 = 0xCA1_1B7A7E

    /// The intercept shift under which the planted model's mean click probability over a fixed
    /// sample of `calibrationRows` rows is `positiveRate` (found by bisection on the shift; the
    /// mean is increasing in it). A file's own positive rate then differs from it by sampling
    /// noise only, which `wdl gen` prints.
    public func interceptShift(positiveRate: Double) -> Double {
        precondition(positiveRate > 0 && positiveRate < 1)
        let reference = SyntheticCTR(seed: Self.calibrationSeed, modelSeed: modelSeed, layout: layout)
        let logits = (0..<Self.calibrationRows).map { index -> Double in
            let p = min(max(reference.row(index).probability, 1e-300), 1 - 1e-16)
            return log(p / (1 - p))
        }
        func meanProbability(_ shift: Double) -> Double {
            logits.reduce(0) { $0 + 1 / (1 + exp(-($1 + shift))) } / Double(logits.count)
        }
        var low = -40.0, high = 40.0
        for _ in 0..<100 {
            let mid = (low + high) / 2
            if meanProbability(mid) < positiveRate { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// The 8-hex-digit text of value `index` of field `field` (0-based), as Criteo's.
    public func categoryText(field: Int, index: Int) -> String {
        let h = UInt32(truncatingIfNeeded: mix(modelSeed, UInt64(field) << 32 | UInt64(index), 0xC0DE))
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Appends row `index` in the generator's layout.
    public func appendLine(_ row: Row, index: Int, to out: inout [UInt8]) {
        guard layout == .criteo else { return appendAvazuLine(row, index: index, to: &out) }
        out.append(row.label == 1 ? 49 : 48)
        for v in row.integers {
            out.append(9)
            if let v { out.append(contentsOf: String(v).utf8) }
        }
        for (f, c) in row.categories.enumerated() {
            out.append(9)
            if let c { out.append(contentsOf: categoryText(field: f, index: c).utf8) }
        }
        out.append(10)
    }

    /// An Avazu CSV line: a 20-digit id unique to (seed, row), the label, an hour of 2014-10-21
    /// (rows in order through the day) and the categorical fields.
    private func appendAvazuLine(_ row: Row, index: Int, to out: inout [UInt8]) {
        let id = mix(seed, UInt64(index), 0x1D) % 10_000_000_000_000_000_000
        let digits = String(id)
        out.append(contentsOf: (String(repeating: "0", count: 20 - digits.count) + digits).utf8)
        out.append(44)
        out.append(row.label == 1 ? 49 : 48)
        out.append(contentsOf: ",141021\(String(format: "%02d", (index / 1000) % 24))".utf8)
        for f in 0..<Self.avazuCategorical.count {
            out.append(44)
            if let c = row.categories[f] { out.append(contentsOf: categoryText(field: f, index: c).utf8) }
        }
        out.append(10)
    }

    /// Rows `0..<count` as file bytes in the generator's layout (an Avazu CSV with its header) and their true probabilities and labels, generated
    /// in parallel chunks joined in order.
    public func generate(rows count: Int, threads: Int = 2) -> (bytes: [UInt8], probabilities: [Float], labels: [Float]) {
        let chunk = Self.chunkRows
        let chunks = (count + chunk - 1) / chunk
        let parts = ChunkResults<([UInt8], [Float], [Float])>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            parts.set(c, self.lines(c * chunk..<min(count, (c + 1) * chunk)))
        }
        var bytes: [UInt8] = layout == .avazu ? Array((Self.avazuHeader + "\n").utf8) : []
        var probabilities: [Float] = [], labels: [Float] = []
        for c in 0..<chunks {
            let part = parts.take(c)
            bytes += part.0
            probabilities += part.1
            labels += part.2
        }
        return (bytes, probabilities, labels)
    }

    /// Rows generated per parallel task (by `generate` and `stream`).
    static let chunkRows = 8192

    /// Rows `range` as lines (no header), with their true probabilities and labels.
    func lines(_ range: Range<Int>) -> (bytes: [UInt8], probabilities: [Float], labels: [Float]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count * 300)
        var probabilities: [Float] = [], labels: [Float] = []
        probabilities.reserveCapacity(range.count)
        labels.reserveCapacity(range.count)
        for r in range {
            let row = self.row(r)
            appendLine(row, index: r, to: &bytes)
            probabilities.append(Float(row.probability))
            labels.append(Float(row.label))
        }
        return (bytes, probabilities, labels)
    }

    /// The Bayes-optimal figures of a set of rows: metrics of the true probabilities.
    public static func ceiling(probabilities: [Float], labels: [Float]) -> EvaluationMetrics {
        let logits = probabilities.map { p -> Float in
            let q = min(max(Double(p), 1e-12), 1 - 1e-12)
            return Float(log(q / (1 - q)))
        }
        return BinaryMetrics.evaluate(logits: logits, labels: labels)
    }
}
