import Foundation

extension FeatureLayout {
    /// Why this layout, read from a checkpoint, is not one `fit(config:training:)` can produce for
    /// `config`, naming the field (`layout.crosses[0]`): nil when it is one. A checksum only proves
    /// the bytes were not damaged; a layout edited and re-sealed would otherwise index past a
    /// table (a crash) or into a neighbouring row (a wrong answer). What depends on the training
    /// data (means, deviations, quantile boundaries, table sizes) is checked against the values
    /// fitting can give; the rest must equal what the config resolves to.
    public func fittingProblem(config: RunConfig) -> String? {
        let expectedSchema: DataSchema
        do { expectedSchema = try DataSchema(config: config) } catch let error as ConfigError {
            return "the recorded config's columns are not usable: \(error.message)"
        } catch {
            return "the recorded config's columns are not usable: \(error)"
        }
        if let problem = schemaProblem(expected: expectedSchema) { return problem }
        if let problem = numericProblem(config: config) { return problem }
        if let problem = bucketProblem(config: config) { return problem }
        if let problem = crossProblem(config: config) { return problem }
        guard hashBuckets == config.features.hashBuckets else {
            return "layout.hashBuckets is \(hashBuckets) but the recorded config's features.hash_buckets is \(config.features.hashBuckets)"
        }
        guard embeddingDim == config.model.embeddingDim else {
            return "layout.embeddingDim is \(embeddingDim) but the recorded config's model.embedding_dim is \(config.model.embeddingDim)"
        }
        return embeddingRowsProblem(config: config)
    }

    /// The schema must be the config's: its label, label values, delimiter and columns.
    private func schemaProblem(expected: DataSchema) -> String? {
        guard schema != expected else { return nil }
        let fields: [(String, Bool)] = [
            ("format", schema.format == expected.format), ("labelColumn", schema.labelColumn == expected.labelColumn),
            ("positive", schema.positive == expected.positive), ("negative", schema.negative == expected.negative),
            ("delimiter", schema.delimiter == expected.delimiter), ("categorical", schema.categorical == expected.categorical),
            ("multiValued", schema.multiValued == expected.multiValued), ("numeric", schema.numeric == expected.numeric),
            ("ignore", schema.ignore == expected.ignore),
        ]
        let field = fields.first { !$0.1 }?.0 ?? "columns"
        return "layout.schema.\(field) disagrees with the recorded config's columns (data and features sections)"
    }

    /// One transform per numeric column, in order; the logarithm where the config asks for it;
    /// a finite mean and a deviation fitting can give (≥ 1e-6, or 1 for a constant column).
    private func numericProblem(config: RunConfig) -> String? {
        guard numeric.map(\.name) == schema.numeric else {
            return "layout.numeric names \(numeric.map(\.name)) where the schema's numeric columns are \(schema.numeric)"
        }
        let logColumns = schema.format == .criteo ? Set(schema.numeric) : Set(config.features.log)
        // Raw values are Floats: their mean and deviation stay within Float's range (log1p of it
        // for a logarithm column).
        let largest = Double(Float.greatestFiniteMagnitude)
        for (i, transform) in numeric.enumerated() {
            let field = "layout.numeric[\(i)] ('\(transform.name)')"
            guard transform.logarithm == logColumns.contains(transform.name) else {
                return "\(field): logarithm is \(transform.logarithm) but the recorded config's features.log says \(!transform.logarithm)"
            }
            let bound = transform.logarithm ? NumericTransform.signedLog1p(largest) : largest
            guard transform.mean.isFinite, abs(transform.mean) <= bound else {
                return "\(field): mean \(transform.mean) is not a finite value within ±\(bound)"
            }
            guard transform.deviation.isFinite, transform.deviation <= 2 * bound,
                  transform.deviation >= NumericTransform.smallestDeviation * (1 - 1e-9) else {
                return "\(field): deviation \(transform.deviation) is not one fitting gives (finite, at least \(NumericTransform.smallestDeviation))"
            }
            if !config.model.mode.hasDeep, transform.mean != 0 || transform.deviation != 1 {
                return "\(field): a model without a deep part leaves its transforms unfitted (mean 0, deviation 1), not \(transform.mean), \(transform.deviation)"
            }
        }
        return nil
    }

    /// The config's bucketized columns, in fitting's order, each reading its own column; fixed
    /// boundaries as configured, fitted ones finite, ascending, Float values, fewer than N.
    private func bucketProblem(config: RunConfig) -> String? {
        let planned: [(name: String, column: Int)]
        do { planned = try Self.bucketPlan(config.features, schema: schema) } catch let error as ConfigError {
            return "the recorded config's buckets are not usable: \(error.message)"
        } catch {
            return "the recorded config's buckets are not usable: \(error)"
        }
        guard bucketizers.map(\.name) == planned.map(\.name) else {
            return "layout.bucketizers names \(bucketizers.map(\.name)) where the recorded config's features.buckets gives \(planned.map(\.name))"
        }
        guard bucketColumns == planned.map(\.column) else {
            return "layout.bucketColumns is \(bucketColumns) where the bucketized columns \(planned.map(\.name)) are numeric columns \(planned.map(\.column))"
        }
        for (b, bucketizer) in bucketizers.enumerated() {
            let field = "layout.bucketizers[\(b)] ('\(bucketizer.name)')"
            let list = bucketizer.boundaries
            guard list.allSatisfy(\.isFinite), zip(list, list.dropFirst()).allSatisfy({ $0 < $1 }) else {
                return "\(field): the bucket boundaries are not finite and strictly ascending"
            }
            switch config.features.buckets[bucketizer.name]! {
            case .boundaries(let configured):
                guard list == configured else {
                    return "\(field): boundaries \(list) differ from the recorded config's \(configured)"
                }
            case .quantiles(let n):
                // Fitting picks N − 1 values of the column (Floats), duplicates dropped; a
                // constant or empty column leaves none.
                guard list.count <= n - 1 else {
                    return "\(field): \(list.count) boundaries where quantile:\(n) fits at most \(n - 1)"
                }
                guard list.allSatisfy({ Double(Float($0)) == $0 }) else {
                    return "\(field): a boundary is not a value of the column (fitted boundaries are 32-bit values)"
                }
            }
        }
        return nil
    }

    /// The crosses the config resolves to, each of two or more components that exist.
    private func crossProblem(config: RunConfig) -> String? {
        let fields = schema.allCategorical.count
        for (c, cross) in crosses.enumerated() {
            let field = "layout.crosses[\(c)] ('\(cross.name)')"
            guard cross.components.count >= 2 else {
                return "\(field): a cross has two or more components, this one \(cross.components.count)"
            }
            for (k, component) in cross.components.enumerated() {
                switch component {
                case .categorical(let f) where !(0..<fields).contains(f):
                    return "\(field): component \(k) is categorical field \(f), but there are \(fields) (0…\(fields - 1))"
                case .bucket(let b) where !(0..<bucketizers.count).contains(b):
                    return "\(field): component \(k) is bucketized column \(b), but there are \(bucketizers.count)"
                default:
                    continue
                }
            }
        }
        let expected: [Cross]
        do {
            expected = try Self.resolveCrosses(config.features.crosses, schema: schema, bucketNames: bucketizers.map(\.name))
        } catch let error as ConfigError {
            return "the recorded config's crosses are not usable: \(error.message)"
        } catch {
            return "the recorded config's crosses are not usable: \(error)"
        }
        guard crosses.count == expected.count else {
            return "layout.crosses has \(crosses.count) crosses where the recorded config's features.crosses has \(expected.count)"
        }
        if let c = crosses.indices.first(where: { crosses[$0] != expected[$0] }) {
            return "layout.crosses[\(c)] ('\(crosses[c].name)') is not the recorded config's cross [\(config.features.crosses[c].joined(separator: ", "))]"
        }
        return nil
    }

    /// Rows per table as `embeddingRows(distinct:budget:)` gives them: the budget, or a power of
    /// two from 64 below it; a model without a deep part keeps the budget.
    private func embeddingRowsProblem(config: RunConfig) -> String? {
        let budget = config.features.embeddingBuckets
        guard embeddingRows.count == schema.allCategorical.count else {
            return "layout.embeddingRows has \(embeddingRows.count) tables for \(schema.allCategorical.count) categorical fields"
        }
        for (f, rows) in embeddingRows.enumerated() {
            let fitted = rows == budget
                || (config.model.mode.hasDeep && rows >= 64 && rows < budget && rows.nonzeroBitCount == 1)
            guard fitted else {
                return "layout.embeddingRows[\(f)] ('\(schema.allCategorical[f])') is \(rows), not a size fitting gives with features.embedding_buckets \(budget)"
            }
        }
        return nil
    }
}
