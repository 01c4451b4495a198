/// Where a training step's gradients are summed between backward and the updates.
enum GradientReduction {
    /// One process (or a rank training alone between replica averages): the step's own sums are
    /// the ones applied, so each update task applies its part as soon as it has summed it, in
    /// the same parallel region; nothing is copied or waited for.
    case local
    /// A rank of a data-parallel job: the rank's sums go through the exchange
    /// (`GradientExchange.reduce`) before any update, so every rank applies the job's summed
    /// gradients (those of the N ranks' minibatches together) and the replicas stay bit-identical.
    case exchange(GradientExchange)
}
