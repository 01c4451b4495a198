import Foundation
@testable import WideDeep

/// A plain Double re-implementation of the model's forward pass (Cheng et al. 2016, eq. 3):
/// logit = Σ_wide w_id + b_wide + MLP([embeddings; numerics]), a multi-valued field entering as the
/// mean of its values' embeddings, ReLU hidden layers, a linear output unit.
enum ReferenceForward {
    struct Result {
        var logits: [Double]
        /// Which hidden units are active (pre-activation > 0), example by example.
        var active: [Bool]
        /// The smallest non-zero |pre-activation| of any hidden unit: how close the point is to a
        /// ReLU kink. (Exact zeros come from units whose inputs are all zero and whose bias is 0;
        /// they only matter if a perturbation moves them, which `active` shows.)
        var closestToKink: Double
    }

    static func run(_ model: WideDeepModel, _ data: EncodedDataset, rows: [Int32]) -> Result {
        let d = model.layout.embeddingDim
        var result = Result(logits: [], active: [], closestToKink: .infinity)
        for r in rows.map(Int.init) {
            var x: [Double] = []
            if model.mode.hasDeep {
                for f in 0..<data.singleFields {
                    let e = Int(data.embeddingRows[r * data.singleFields + f])
                    x += (0..<d).map { Double(model.tables[f].values[e * d + $0]) }
                }
                for m in data.multiOffsets.indices {
                    let lo = Int(data.multiOffsets[m][r]), hi = Int(data.multiOffsets[m][r + 1])
                    var mean = [Double](repeating: 0, count: d)
                    for j in lo..<hi {
                        let e = Int(data.multiRows[m][j])
                        for k in 0..<d {
                            mean[k] += Double(model.tables[data.singleFields + m].values[e * d + k]) / Double(hi - lo)
                        }
                    }
                    x += mean
                }
                x += (0..<data.numericCount).map { Double(data.numeric[r * data.numericCount + $0]) }
                for layer in model.layers {
                    precondition(x.count == layer.inputs)
                    x = (0..<layer.outputs).map { j in
                        var s = Double(layer.bias[j])
                        for i in 0..<layer.inputs { s += x[i] * Double(layer.weight[i * layer.outputs + j]) }
                        guard layer.relu else { return s }
                        result.active.append(s > 0)
                        if s != 0 { result.closestToKink = min(result.closestToKink, abs(s)) }
                        return max(0, s)
                    }
                }
            }
            var logit = model.mode.hasDeep ? x[0] : 0
            if let wide = model.wide {
                logit += Double(wide.bias)
                for j in Int(data.wideOffsets[r])..<Int(data.wideOffsets[r + 1]) {
                    logit += Double(wide.weight(Int(data.wideIds[j])))
                }
            }
            result.logits.append(logit)
        }
        return result
    }
}
