// Software prefetch for the training step's random reads (embedding rows, wide coordinates,
// optimizer accumulators), which Swift has no spelling for. Static inline, so Swift inlines it.
#ifndef WDL_CPREFETCH_H
#define WDL_CPREFETCH_H

/// Asks the CPU to bring the cache line holding `address` into cache for reading.
static inline void wdl_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Asks the CPU to bring the cache line holding `address` into cache, to be written.
static inline void wdl_prefetch_write(const void *address) { __builtin_prefetch(address, 1, 3); }

#endif
