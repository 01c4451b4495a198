/// The training step of one rank of a data-parallel job: the same forward, loss and backward as
/// `trainStep`, then the gradients go through a `GradientExchange` before any update, so every
/// rank applies the job's summed gradients (those of the N ranks' minibatches together) and the
/// replicas stay bit-identical.
struct ExchangedStep {
    let model: WideDeepModel
    let exchange: GradientExchange

    /// One rank's minibatch (possibly empty: a rank whose shard has run out still takes part in
    /// the exchange), starting at example `firstExample` of the job's minibatch (the ranks'
    /// minibatches in rank order: the dropout masks are those of one process's N × B rows).
    /// Returns the job's summed logloss (NaN when any rank's was).
    func train(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>, threads: Int, firstExample: Int) -> Double {
        let batch = rows.count
        var loss = 0.0
        // Every rank counts the step, so dropout masks stay in step with the job.
        defer { model.stepsTrained += 1 }
        if batch > 0 {
            model.forward(data, rows: rows, threads: threads, training: true, firstExample: firstExample)
            loss = model.lossGradients(data, rows: rows)
            if model.mode.hasDeep { model.backwardDeep(batch: batch, threads: threads) }
        } else {
            for layer in model.layers { layer.clearGradients() }
        }
        // This rank's sparse sums: the wide coordinates and each field's rows.
        let tasks = model.stepTasks
        let shared = UnsafeSendable(model)
        Parallel.forEach(tasks.count, threads: threads) { t in
            switch tasks[t] {
            case .wide: shared.value.accumulateWide(data, rows: rows)
            case .embedding(let f): shared.value.sumEmbeddingGradients(field: f, data, rows: rows)
            case .dense: break
            }
        }
        // Every rank's loss, wide pairs and embedding rows in one message (one collective), then
        // the dense sums (one allreduce).
        let d = model.layout.embeddingDim
        SparseMessage.encode(loss: loss, wide: model.wide?.takeBatch() ?? [], tables: model.tables, dim: d,
                             into: &exchange.sparseMessage)
        let (bytes, counts) = exchange.exchangeSparse()
        if model.mode.hasDeep { exchange.sumDense(of: model.layers) }
        // Each task adds up the job's sums it needs, in rank order, and steps its parameters.
        model.deepOptimizer.beginStep()
        return bytes.withUnsafeBytes { bytes in
            let messages = SparseMessage.messages(in: bytes, counts: counts, dim: d)
            Parallel.forEach(tasks.count, threads: threads) { t in
                let model = shared.value
                switch tasks[t] {
                case .wide:
                    for message in messages { model.wide?.addBatch(message.widePairs, count: message.wideCount) }
                    model.wide?.applyUpdates(threads: 1)
                case .dense(let l):
                    model.updateDense(layer: l)
                case .embedding(let f):
                    model.tables[f].mergeGradients(messages.map { $0.fields[f] })
                    model.applyEmbedding(field: f)
                }
            }
            return messages.reduce(0) { $0 + $1.loss }
        }
    }
}
