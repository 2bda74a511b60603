#if canImport(CMalloc)
import CMalloc
#endif

/// glibc's allocator, set for a process that keeps a steady working set and churns through it.
///
/// With glibc's defaults `free` hands the top of the heap back to the kernel as soon as 128 KiB
/// lie free there, and the next allocation asks for it again. The report rollups' SQLite
/// triggers (they fire on every message, delivery and outcome) set off that cycle: `sqlite3`
/// running the same statements made about 146,000 `brk` calls per 5,000 messages. Measured
/// with `scripts/bench-sms.sh` (20,000 messages, the tall rollups), the worker delivered
/// 1,700/s with the defaults and 5,600/s with a trim threshold of 256 MiB set through
/// `MALLOC_TRIM_THRESHOLD_`; with these settings in-process, today's build delivers about
/// 3,750/s against 900/s without. Keeping up to ``trimThreshold`` free at the top costs memory
/// the process used at its peak anyway.
enum AllocatorTuning {
    /// Free bytes at the top of the heap kept instead of returned to the kernel.
    static let trimThreshold: Int32 = 64 << 20
    /// Extra bytes asked of the kernel whenever the heap grows, so growth is rare too.
    static let topPad: Int32 = 16 << 20

    /// Applies the settings, unless the operator set glibc's own `MALLOC_TRIM_THRESHOLD_` or
    /// `MALLOC_TOP_PAD_` (theirs win). Call first, before threads start.
    static func apply(environment: [String: String]) {
        #if canImport(CMalloc)
        if environment["MALLOC_TRIM_THRESHOLD_"] == nil { _ = mallopt(M_TRIM_THRESHOLD, trimThreshold) }
        if environment["MALLOC_TOP_PAD_"] == nil { _ = mallopt(M_TOP_PAD, topPad) }
        #endif
    }
}
