extension GradientExchange {
    /// The reduction stage of a data-parallel step (`GradientReduction.exchange`), between the
    /// rank's own sums and the updates: every rank's loss, wide pairs and embedding rows in one
    /// message (one collective), then the dense sums (one allreduce). `apply` runs with every
    /// rank's messages, in rank order, while their bytes are alive; each update task adds up the
    /// job's sums it needs from them. Returns the job's summed logloss (NaN when any rank's was).
    func reduce(_ model: WideDeepModel, loss: Double, apply: ([SparseMessage]) -> Void) -> Double {
        let d = model.layout.embeddingDim
        SparseMessage.encode(loss: loss, wide: model.wide?.takeBatch() ?? [], tables: model.tables, dim: d,
                             into: &sparseMessage)
        let (bytes, counts) = exchangeSparse()
        if model.mode.hasDeep { sumDense(of: model.parameters) }
        return bytes.withUnsafeBytes { bytes in
            let messages = SparseMessage.messages(in: bytes, counts: counts, dim: d)
            apply(messages)
            return messages.reduce(0) { $0 + $1.loss }
        }
    }
}
