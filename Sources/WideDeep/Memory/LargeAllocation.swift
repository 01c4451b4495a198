import Foundation

/// Memory for the model's large tables read at random (wide coordinates, embedding rows, their
/// optimizer state): on Linux, aligned to 2 MB and marked for transparent huge pages.
///
/// A training step reads a few thousand scattered rows of tables that total hundreds of MB. With
/// 4 KB pages nearly every such read also misses the TLB (hundreds of thousands of pages against
/// a few thousand TLB entries); with 2 MB pages the tables fit in a few hundred entries. This
/// machine's kernel gives huge pages only to memory that asks for them
/// (/sys/kernel/mm/transparent_hugepage/enabled is `madvise`). Elsewhere, or where the kernel
/// declines, the memory is ordinary and only the speed differs.
enum LargeAllocation {
    static let hugePageBytes = 2 << 20

    /// Uninitialized memory for `count` values (at least one), 64-byte aligned; free it with
    /// `deallocate`.
    static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(1, count) * MemoryLayout<T>.stride
        let huge = bytes >= hugePageBytes
        let alignment = huge ? hugePageBytes : max(64, MemoryLayout<T>.alignment)
        let size = huge ? (bytes + hugePageBytes - 1) / hugePageBytes * hugePageBytes : bytes
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, alignment, size) == 0, let raw else {
            fatalError("out of memory allocating \(size) bytes")
        }
        #if os(Linux)
        // Before the first touch, so the pages are huge from the start. Advice only: failure
        // leaves ordinary pages.
        if huge { _ = madvise(raw, size, MADV_HUGEPAGE) }
        #endif
        return raw.bindMemory(to: T.self, capacity: max(1, count))
    }

    static func deallocate<T>(_ pointer: UnsafeMutablePointer<T>) {
        free(pointer)
    }
}
