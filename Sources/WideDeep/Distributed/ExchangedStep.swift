/// The training step of one rank of a data-parallel job: the same forward, loss and backward as
/// `trainStep`, then the gradients go through a `GradientExchange` before any update, so every
/// rank applies the job's summed gradients (those of the N ranks' minibatches together) and the
/// replicas stay bit-identical.
struct ExchangedStep {
    let model: WideDeepModel
    let exchange: GradientExchange

    /// One rank's minibatch (possibly empty: a rank whose shard has run out still takes part in
    /// the exchange). Returns the job's summed logloss (NaN when any rank's was).
    func train(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>, threads: Int) -> Double {
        let batch = rows.count
        var loss = 0.0
        // Every rank counts the step, so dropout masks stay in step with the job.
        defer { model.stepsTrained += 1 }
        if batch > 0 {
            model.forward(data, rows: rows, threads: threads, training: true)
            loss = model.lossGradients(data, rows: rows)
            if model.mode.hasDeep { model.backwardDeep(batch: batch, threads: threads) }
        } else {
            for layer in model.layers { layer.clearGradients() }
        }
        // This rank's sparse sums: the wide coordinates and each field's rows.
        var fieldRows = [[Int32]](repeating: [], count: model.tables.count)
        var fieldGradients = [[Float]](repeating: [], count: model.tables.count)
        let tasks = model.stepTasks
        let shared = UnsafeSendable(model)
        fieldRows.withUnsafeMutableBufferPointer { fieldRows in
            fieldGradients.withUnsafeMutableBufferPointer { fieldGradients in
                let buffers = UnsafeSendable((fieldRows, fieldGradients))
                Parallel.forEach(tasks.count, threads: threads) { t in
                    let model = shared.value, (fieldRows, fieldGradients) = buffers.value
                    switch tasks[t] {
                    case .wide: model.accumulateWide(data, rows: rows)
                    case .dense: break
                    case .embedding(let f):
                        model.sumEmbeddingGradients(field: f, data, rows: rows, into: &fieldRows[f], &fieldGradients[f])
                        fieldGradients[f].removeSubrange((fieldRows[f].count * model.layout.embeddingDim)...)
                    }
                }
            }
        }
        // Every rank's loss, wide pairs and embedding rows in one message; then the dense sums.
        // A field's message: its row count among the fields' counts, its rows, its gradient rows.
        let job = exchange.exchangeSparse(loss: loss, wide: model.wide?.takeBatch() ?? [],
                                          rows: fieldRows.map { Int32($0.count) } + fieldRows.joined(),
                                          gradients: Array(fieldGradients.joined()))
        model.wide?.addBatch(job.wide)
        let embeddings = model.mode.hasDeep ? mergeEmbeddings(job) : nil
        if model.mode.hasDeep { exchangeDense() }
        model.deepOptimizer.beginStep()
        Parallel.forEach(tasks.count, threads: threads) { t in
            let model = shared.value
            switch tasks[t] {
            case .wide: model.wide?.applyUpdates(threads: 1)
            case .dense(let l): model.updateDense(layer: l)
            case .embedding(let f): model.applyEmbedding(field: f, rows: embeddings![f].rows, gradients: embeddings![f].gradients)
            }
        }
        return job.loss
    }

    /// Sums every layer's weight and bias gradients over the ranks (one packed allreduce).
    private func exchangeDense() {
        let total = model.layers.reduce(0) { $0 + $1.weightGradient.count + $1.biasGradient.count }
        if exchange.denseBuffer.count != total { exchange.denseBuffer = [Float](repeating: 0, count: total) }
        var at = 0
        for layer in model.layers {
            exchange.denseBuffer.replaceSubrange(at..<(at + layer.weightGradient.count), with: layer.weightGradient)
            at += layer.weightGradient.count
            exchange.denseBuffer.replaceSubrange(at..<(at + layer.biasGradient.count), with: layer.biasGradient)
            at += layer.biasGradient.count
        }
        exchange.sumDense()
        at = 0
        for layer in model.layers {
            layer.weightGradient = Array(exchange.denseBuffer[at..<(at + layer.weightGradient.count)])
            at += layer.weightGradient.count
            layer.biasGradient = Array(exchange.denseBuffer[at..<(at + layer.biasGradient.count)])
            at += layer.biasGradient.count
        }
    }

    /// Every field's rows and gradient rows of every rank, summed per row in rank order: each
    /// field's distinct rows in order of first appearance, with their gradient rows.
    private func mergeEmbeddings(_ all: GradientExchange.SparseStep) -> [(rows: [Int32], gradients: [Float])] {
        let fields = model.tables.count, d = model.layout.embeddingDim
        var merged = [(rows: [Int32], gradients: [Float])](repeating: ([], []), count: fields)
        var rankRowStart = 0, rankGradientStart = 0
        for rankRows in all.rowCounts {
            var at = rankRowStart + fields, gradientAt = rankGradientStart
            for f in 0..<fields {
                let count = Int(all.rows[rankRowStart + f])
                let table = model.tables[f]
                for j in 0..<count {
                    let row = all.rows[at + j]
                    var slot = Int(table.slotOfRow[Int(row)])
                    if slot < 0 {
                        slot = merged[f].rows.count
                        table.slotOfRow[Int(row)] = Int32(slot)
                        merged[f].rows.append(row)
                        merged[f].gradients.append(contentsOf: repeatElement(0, count: d))
                    }
                    for k in 0..<d { merged[f].gradients[slot * d + k] += all.gradients[gradientAt + j * d + k] }
                }
                at += count
                gradientAt += count * d
            }
            rankRowStart += rankRows
            rankGradientStart = gradientAt
        }
        for f in 0..<fields {
            for row in merged[f].rows { model.tables[f].slotOfRow[Int(row)] = -1 }
        }
        return merged
    }

}
