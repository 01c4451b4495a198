import Foundation

/// Axis ticks at "nice" round values (1, 2 or 5 × 10ⁿ apart), after Heckbert's "Nice numbers
/// for graph labels" (Graphics Gems, 1990): the range is widened outwards to whole steps.
public struct NiceScale: Equatable, Sendable {
    public let lower: Double
    public let upper: Double
    public let step: Double

    /// A scale covering `lower…upper` with at most about `maxTicks` ticks. Equal bounds are
    /// widened first (by 10 % of the value, or ±1 around zero) so a flat series sits mid-axis.
    public init(lower rawLower: Double, upper rawUpper: Double, maxTicks: Int) {
        var lo = min(rawLower, rawUpper), hi = max(rawLower, rawUpper)
        if lo == hi {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let ticks = Double(max(2, maxTicks) - 1)
        // Halves keep the span finite for ranges near ±Double.greatestFiniteMagnitude.
        let halfSpan = hi / 2 - lo / 2
        let span = NiceScale.niceNumber(halfSpan * 2 <= .greatestFiniteMagnitude ? halfSpan * 2 : halfSpan,
                                        round: false)
        let step = NiceScale.niceNumber(span / ticks, round: true)
        let niceLower = (lo / step).rounded(.down) * step
        let niceUpper = (hi / step).rounded(.up) * step
        if step.isFinite, step > 0, niceLower.isFinite, niceUpper.isFinite {
            lower = niceLower
            upper = niceUpper
            self.step = step
        } else {
            lower = lo
            upper = hi
            self.step = (hi / 2 - lo / 2)
        }
    }

    /// The tick values from `lower` to `upper`, computed from the index (no accumulated error);
    /// values within a billionth of a step of zero are exactly zero.
    public var ticks: [Double] {
        guard step > 0, step.isFinite else { return [lower, upper] }
        var values: [Double] = []
        var index = 0.0
        while values.count < 64 {
            var value = lower + index * step
            if value > upper + step * 1e-9 || !value.isFinite { break }
            if abs(value) < step * 1e-9 { value = 0 }
            values.append(value)
            index += 1
        }
        return values
    }

    /// Labels for the ticks: fixed decimals that tell neighbouring ticks apart, or `1.5e12`
    /// style for very large or very small values.
    public func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = max(abs(lower), abs(upper))
        if magnitude >= 1e6 || (step.isFinite && step < 1e-4) {
            return Format.scientific(value, digits: 2)
        }
        let decimals = step.isFinite && step > 0 ? max(0, min(6, -Int(floor(log10(step) + 1e-9)))) : 2
        return String(format: "%.\(decimals)f", value)
    }

    /// 1, 2, 5 or 10 × 10ⁿ near `x`: rounded to the nearest when `round`, else the ceiling.
    static func niceNumber(_ x: Double, round: Bool) -> Double {
        guard x > 0, x.isFinite else { return x }
        let exponent = floor(log10(x))
        let fraction = x / pow(10, exponent)
        let nice: Double
        if round {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * pow(10, exponent)
    }
}
