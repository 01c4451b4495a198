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
        trainStep(data, rows: rows, threads: threads, firstExample: firstExample, reduction: .local)
    }

    /// The one step body of every process: forward, the (weighted) loss, backward, each update
    /// task's sums of this process's rows, the `reduction` stage, the updates. With an exchange
    /// the rows may be empty (a rank whose shard has run out still takes part) and the loss
    /// returned is the job's. Every step is counted, so dropout masks stay in step with the job.
    func trainStep(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>, threads: Int, firstExample: Int,
                   reduction: GradientReduction) -> Double {
        let batch = rows.count
        profile?.beginStep()
        defer { stepsTrained += 1 }
        var loss = 0.0
        if batch > 0 {
            forward(data, rows: rows, threads: threads, training: true, firstExample: firstExample)
            profile?.lap(.denseForward)
            loss = lossGradients(data, rows: rows)
            profile?.lap(.loss)
            if mode.hasDeep {
                backwardDeep(batch: batch, threads: threads)
                profile?.lap(.denseBackward)
            }
        } else {
            for layer in layers { layer.clearGradients() }
        }
        // A wide-only model has no deep parameters: its deep optimizer takes no steps.
        if mode.hasDeep { deepOptimizer.beginStep() }
        let tasks = stepTasks
        let shared = UnsafeSendable(self)
        // A task alone in its region (the wide part of a wide-only model) gets every thread.
        let taskThreads = tasks.count == 1 ? threads : 1
        switch reduction {
        case .local:
            Parallel.forEach(tasks.count, threads: threads) { t in
                shared.value.sumGradients(tasks[t], data, rows: rows)
                shared.value.applyGradients(tasks[t], threads: taskThreads)
            }
        case .exchange(let exchange):
            Parallel.forEach(tasks.count, threads: threads) { t in shared.value.sumGradients(tasks[t], data, rows: rows) }
            loss = exchange.reduce(self, loss: loss) { messages in
                Parallel.forEach(tasks.count, threads: threads) { t in
                    shared.value.mergeGradients(tasks[t], of: messages)
                    shared.value.applyGradients(tasks[t], threads: taskThreads)
                }
            }
        }
        profile?.endStep(.updates)
        return loss
    }

    /// The summed logloss of the forward pass's logits; leaves dL/dlogit = σ(z) − y of each
    /// example in the logits (the wide part's gradient) and in the deep part's last gradient.
    /// With sample weights the loss is Σ w·logloss and each gradient w·(σ(z) − y): everything
    /// downstream (the wide sums, backprop, FTRL's and AdaGrad's accumulators) sees the weighted
    /// gradient. Without weights the loop is the unweighted one, so such runs are unchanged.
    func lossGradients(_ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>) -> Double {
        var loss = 0.0
        let lastGradient = layers.count
        if !data.weights.isEmpty {
            for b in 0..<rows.count {
                let r = Int(rows[b])
                let z = Double(workspace.logits[b]), y = Double(data.labels[r]), w = Double(data.weights[r])
                loss += w * BinaryMetrics.logloss(logit: z, label: y)
                let g = Float(w * (BinaryMetrics.sigmoid(z) - y))
                if mode.hasDeep { workspace.gradients[lastGradient][b] = g }
                workspace.logits[b] = g
            }
            return loss
        }
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

    /// Task `task`'s sums of this process's rows: the wide coordinates' or one field's rows
    /// (a dense layer's gradients are backward's).
    private func sumGradients(_ task: UpdateTask, _ data: EncodedDataset, rows: UnsafeBufferPointer<Int32>) {
        switch task {
        case .wide: accumulateWide(data, rows: rows)
        case .embedding(let f): sumEmbeddingGradients(field: f, data, rows: rows)
        case .dense: break
        }
    }

    /// Replaces task `task`'s sparse sums by the job's: every rank's, added in rank order (the
    /// exchange summed the dense layers' in place).
    private func mergeGradients(_ task: UpdateTask, of messages: [SparseMessage]) {
        switch task {
        case .wide: for message in messages { wide?.addBatch(message.widePairs, count: message.wideCount) }
        case .embedding(let f): tables[f].mergeGradients(messages.map { $0.fields[f] })
        case .dense: break
        }
    }

    /// Task `task`'s optimizer step with the sums it holds: FTRL (or the configured optimizer)
    /// on each wide coordinate the step touched, a dense layer, or one field's touched rows.
    private func applyGradients(_ task: UpdateTask, threads: Int) {
        switch task {
        case .wide: wide?.applyUpdates(threads: threads)
        case .dense(let l): updateDense(layer: l)
        case .embedding(let f): applyEmbedding(field: f)
        }
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
