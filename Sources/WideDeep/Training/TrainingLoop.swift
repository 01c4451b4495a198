import Foundation

/// The one minibatch loop that every kind of training runs: in-memory epochs, streamed passes and
/// `wdl bench`. Each turn asks the caller whether to go on (commands, pauses), takes a minibatch
/// from the source, trains it, and reports the step.
///
/// `step(_:)` is the single place where a minibatch meets the model: one rank of a data-parallel
/// job (`exchange` set) trains it with forward, backward, the exchange of gradients between the
/// ranks, and the updates — or, with periodic averaging, alone, averaging the replicas every K steps.
struct TrainingLoop {
    let model: WideDeepModel
    let threads: Int
    var exchange: GradientExchange?

    /// What one trained minibatch reports.
    struct Step {
        /// Examples in the minibatch.
        var count: Int
        /// Seconds from asking the source for the minibatch to the end of its updates (so a
        /// streamed run's rate includes waiting for the reader).
        var seconds: Double
        /// Summed logloss over the minibatch (non-finite when training diverged).
        var loss: Double
        /// Another minibatch follows in this epoch.
        var moreInEpoch: Bool
        /// Examples of the epoch consumed after this step.
        var epochOffset: Int
    }

    /// Trains minibatches from `source` until it ends (true) or `shouldContinue` answers false
    /// before a step (false). `didStep` runs after each minibatch.
    func run(_ source: inout some MinibatchSource, shouldContinue: () -> Bool = { true },
             didStep: (Step) -> Void = { _ in }) throws -> Bool {
        var waited = try Self.seconds { try source.prepare() }
        while source.hasMore {
            guard shouldContinue() else { return false }
            var loss = 0.0, batch: Minibatch?
            let seconds = try Self.seconds {
                batch = try source.next()
                if let batch { loss = step(batch) }
            }
            guard let batch else { break }
            didStep(Step(count: batch.examples, seconds: seconds + waited, loss: loss, moreInEpoch: source.hasMore,
                         epochOffset: source.consumed))
            waited = 0
        }
        return true
    }

    private static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let began = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
    }

    /// Forward, the joint loss, backward and the updates of one minibatch; its summed loss (the
    /// job's, in a data-parallel job).
    func step(_ batch: Minibatch) -> Double {
        batch.order.withUnsafeBufferPointer { all in
            let rows = UnsafeBufferPointer(rebasing: all[batch.rows])
            guard let exchange else { return model.trainStep(batch.data, rows: rows, threads: threads) }
            exchange.countStep()
            guard exchange.syncEvery > 1 else {
                return model.trainStep(batch.data, rows: rows, threads: threads, firstExample: batch.firstJobExample,
                                       reduction: .exchange(exchange))
            }
            // Periodic averaging: this rank's step alone, the replicas averaged every K steps.
            let loss = rows.isEmpty ? model.skipStep()
                : model.trainStep(batch.data, rows: rows, threads: threads, firstExample: batch.firstJobExample)
            exchange.stepsSinceAverage += 1
            exchange.averageReplicas(of: model)
            return exchange.sumLoss(loss)
        }
    }
}
