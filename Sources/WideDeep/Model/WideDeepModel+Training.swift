import CProcessorHints

/// The training step: forward, the joint logistic loss, backward through the deep part, and the
/// parameter updates of both parts.
extension WideDeepModel {
    /// One minibatch: forward, the joint loss, backward into both parts, optimizer steps.
    /// Returns the summed logloss of the batch (NaN or infinite when training diverged).
    /// `firstExample`: where these rows start in the job's minibatch (a rank training alone
    /// between replica averages; 0 for a single process), for the dropout masks.
    @discardableResult
    public func trainStep(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>, threads: Int,
                          firstExample: Int = 0) -> Double {
        let batch = rows.count
        profile?.beginStep()
        defer { stepsTrained += 1 }
        forward(data, rows: rows, threads: threads, training: true, firstExample: firstExample)
        profile?.lap(.denseForward)
        let loss = lossGradients(data, rows: rows)
        profile?.lap(.loss)
        guard mode.hasDeep else {
            updateWide(data, rows: rows, threads: threads)
            profile?.endStep(.updates)
            return loss
        }
        backwardDeep(batch: batch, threads: threads)
        profile?.lap(.denseBackward)
        deepOptimizer.beginStep()
        updateAll(data, rows: rows, threads: threads)
        profile?.endStep(.updates)
        return loss
    }

    /// The summed logloss of the forward pass's logits; leaves dL/dlogit = σ(z) − y of each
    /// example in the logits (the wide part's gradient) and in the deep part's last gradient.
    func lossGradients(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>) -> Double {
        var loss = 0.0
        let lastGradient = layers.count
        for b in 0..<rows.count {
            let z = Double(workspace.logits[b]), y = Double(data.labels[Int(rows[b])])
            loss += BinaryMetrics.logloss(logit: z, label: y)
            let g = Float(BinaryMetrics.sigmoid(z) - y)
            if mode.hasDeep { workspace.gradients[lastGradient][b] = g }
            workspace.logits[b] = g
        }
        return loss
    }

    /// dx of every layer from the pre-update weights (and each layer's weight gradients), through
    /// the training forward pass's dropout.
    func backwardDeep(batch: Int, threads: Int) {
        let dropout = regularization.dropout
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            if dropout > 0 && layers[l].relu {
                Dropout.scaleGradient(workspace.gradients[l + 1], count: batch * layers[l].outputs, rate: dropout)
            }
            layers[l].backward(x: workspace.activations[l], y: workspace.activations[l + 1], dy: workspace.gradients[l + 1],
                               dx: workspace.gradients[l], batch: batch, threads: threads)
        }
    }

    /// The parameter updates of a step, independent of each other, as tasks of one parallel
    /// region: the wide part (a serial pass of memory-bound scattered reads), each dense layer,
    /// each embedding field. Longest first, so the threads finish together. Each task's
    /// arithmetic is the same whichever thread runs it, so results do not depend on `threads`.
    enum UpdateTask {
        case wide
        case dense(layer: Int)
        case embedding(field: Int)
    }

    /// The tasks in the order they are handed out: the wide part (the longest, a third of the
    /// region's work on the standard model), the first dense layer, the fields, the other layers.
    var updateTasks: [UpdateTask] {
        var tasks: [UpdateTask] = wide == nil ? [] : [.wide]
        if !layers.isEmpty { tasks.append(.dense(layer: 0)) }
        tasks += tables.indices.map { .embedding(field: $0) }
        tasks += layers.indices.dropFirst().map { .dense(layer: $0) }
        return tasks
    }

    private func updateAll(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>, threads: Int) {
        let tasks = stepTasks
        let shared = UnsafeSendable(self)
        Parallel.forEach(tasks.count, threads: threads) { t in
            let model = shared.value
            switch tasks[t] {
            case .wide: model.updateWide(data, rows: rows, threads: 1)
            case .dense(let l): model.updateDense(layer: l)
            case .embedding(let f): model.updateEmbedding(field: f, data, rows: rows)
            }
        }
    }

    /// The wide part's step: each example's logit gradient added to its ids, then FTRL (or the
    /// configured optimizer) on each coordinate the batch touched.
    private func updateWide(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>, threads: Int) {
        accumulateWide(data, rows: rows)
        wide?.applyUpdates(threads: threads)
    }

    /// Adds each example's logit gradient to its wide ids' minibatch sums.
    func accumulateWide(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>) {
        guard let wide else { return }
        let gradients = workspace.logits
        data.wideOffsets.withUnsafeBufferPointer { offsets in
            data.wideIds.withUnsafeBufferPointer { ids in
                data.wideGroups.withUnsafeBufferPointer { groups in
                    for b in 0..<rows.count {
                        let r = Int(rows[b])
                        let span = Int(offsets[r])..<Int(offsets[r + 1])
                        wide.accumulate(ids: UnsafeBufferPointer(rebasing: ids[span]),
                                        groups: UnsafeBufferPointer(rebasing: groups[span]),
                                        gradient: gradients[b])
                    }
                }
            }
        }
    }

    func updateDense(layer l: Int) {
        let layer = layers[l]
        if regularization.l2 > 0 { layer.addWeightDecay(Float(regularization.l2)) }
        layer.weightGradient.withUnsafeBufferPointer { g in
            layer.weight.withUnsafeMutableBufferPointer { w in
                deepOptimizer.update(slot: layerSlots[l].weight, offset: 0, values: w.baseAddress!, grads: g.baseAddress!,
                                     count: w.count)
            }
        }
        layer.biasGradient.withUnsafeBufferPointer { g in
            layer.bias.withUnsafeMutableBufferPointer { b in
                deepOptimizer.update(slot: layerSlots[l].bias, offset: 0, values: b.baseAddress!, grads: g.baseAddress!,
                                     count: b.count)
            }
        }
    }

    /// Scatters dx0's slices of field `f` into per-row gradients (summed over the examples that
    /// used the row; a multi-valued field's k values each get 1/k of the slice) and steps only
    /// the touched rows.
    private func updateEmbedding(field f: Int, _ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>) {
        sumEmbeddingGradients(field: f, data, rows: rows)
        applyEmbedding(field: f)
    }

    /// Field `f`'s distinct rows the minibatch used and their summed gradients
    /// (`EmbeddingTable.sumGradients`), into the table's reused `stepRows` and `stepGradients`.
    func sumEmbeddingGradients(field f: Int, _ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>) {
        let table = tables[f]
        // The buffers are taken out for the call (so they are not shared while written) and put back.
        var touchedRows = table.stepRows, gradientBuffer = table.stepGradients
        (table.stepRows, table.stepGradients) = ([], [])
        defer { (table.stepRows, table.stepGradients) = (touchedRows, gradientBuffer) }
        table.sumGradients(field: f, data, rows: rows, dx0: UnsafePointer(workspace.gradients[0]),
                           width: layout.deepInputWidth, into: &touchedRows, &gradientBuffer)
    }

    /// Steps field `f`'s rows of the step with their summed gradients (`EmbeddingTable.applyStepGradients`).
    func applyEmbedding(field f: Int) {
        tables[f].applyStepGradients(l2: regularization.embeddingL2, optimizer: deepOptimizer, slot: tableSlots[f])
    }

    /// A step without rows for a rank training alone (periodic averaging): the optimizer's step
    /// count still advances, as on the ranks with rows.
    func skipStep() -> Double {
        if mode.hasDeep { deepOptimizer.beginStep() }
        return 0
    }
}
