/// How a streamed run reads its training file (`wdl train --stream`): one pass over the file per
/// epoch through a bounded queue, never the whole file in memory.
public struct StreamOptions: Sendable, Equatable {
    /// Rows of the seeded shuffle buffer (`--shuffle-buffer`); 0 trains in file order.
    public var shuffleBuffer = 0
    /// The feature layout (numeric statistics, quantile buckets, embedding table sizes) is fitted
    /// on the first this many training rows (`--fit-rows`).
    public var fitRows = 1_000_000
    /// Bytes read and parsed at a time; each block is cut into `threads` encoded chunks
    /// (16 MiB ≈ 64k Criteo rows).
    public var blockBytes = 16 << 20
    /// Encoded chunks the reader may have ready ahead of the training loop.
    public var queueCapacity = 4

    public init(shuffleBuffer: Int = 0, fitRows: Int = 1_000_000) {
        self.shuffleBuffer = shuffleBuffer
        self.fitRows = fitRows
    }

    /// Largest accepted shuffle buffer (about 4.5 GB of Criteo rows).
    public static let maxShuffleBuffer = 10_000_000
    /// Largest accepted `--fit-rows` (the fitted rows are held in memory).
    public static let maxFitRows = 100_000_000
}
