// Processor hints Swift has no spelling for: software prefetch for the training step's random
// reads (embedding rows, wide coordinates, optimizer accumulators), and the spin-wait hint of the
// worker pool. Static inline, so Swift inlines them.
#ifndef WDL_CPROCESSORHINTS_H
#define WDL_CPROCESSORHINTS_H

/// Asks the CPU to bring the cache line holding `address` into cache for reading.
static inline void wdl_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Asks the CPU to bring the cache line holding `address` into cache, to be written.
static inline void wdl_prefetch_write(const void *address) { __builtin_prefetch(address, 1, 3); }

/// Tells the CPU this thread is spin-waiting (x86 `pause`: frees the core's resources for its
/// sibling and avoids the memory-order penalty when the awaited value changes).
static inline void wdl_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
