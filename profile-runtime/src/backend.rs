//! Heaps other than [`Allocator`](crate::Allocator)'s: a `stats_alloc` global allocator, and the
//! resident set size when no counting allocator is installed.

use std::sync::OnceLock;

use crate::alloc::Stats;

/// Process-wide counters of another allocator, read by the probes. Implemented for
/// `stats_alloc::StatsAlloc`, which [`use_stats_alloc`] installs.
///
/// ```
/// use memory_profiler::ExternalStats;
/// use stats_alloc::INSTRUMENTED_SYSTEM;
///
/// // Not the global allocator here, so nothing is counted: all zeros.
/// assert_eq!(INSTRUMENTED_SYSTEM.stats().allocations, 0);
/// ```
pub trait ExternalStats {
    /// The counters now.
    fn stats(&self) -> Stats;
}

static EXTERNAL: OnceLock<&'static (dyn ExternalStats + Sync)> = OnceLock::new();

pub(crate) fn external() -> Option<&'static (dyn ExternalStats + Sync)> {
    EXTERNAL.get().copied()
}

/// Points the profiler at a program's `stats_alloc::StatsAlloc` global allocator.
///
/// For programs that keep `stats_alloc` as their global allocator instead of
/// [`Allocator`](crate::Allocator): reports then follow stats_alloc's process-wide counters
/// (allocations of every thread, no Peak). Only the first call has an effect; it returns
/// whether it was that one.
///
/// ```
/// use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};
/// use std::alloc::System;
///
/// #[global_allocator]
/// static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;
///
/// memory_profiler::use_stats_alloc(GLOBAL);
/// ```
pub fn use_stats_alloc<A: std::alloc::GlobalAlloc + Sync>(
    alloc: &'static stats_alloc::StatsAlloc<A>,
) -> bool {
    EXTERNAL.set(alloc).is_ok()
}

impl<A: std::alloc::GlobalAlloc> ExternalStats for stats_alloc::StatsAlloc<A> {
    fn stats(&self) -> Stats {
        let s = stats_alloc::StatsAlloc::stats(self);
        Stats {
            allocations: s.allocations as u64,
            deallocations: s.deallocations as u64,
            reallocations: s.reallocations as u64,
            bytes_allocated: s.bytes_allocated as u64,
            bytes_freed: s.bytes_deallocated as u64,
        }
    }
}

/// The resident set size of this process in bytes, from `/proc/self/statm` (as psutil, and so
/// memory_profiler and mprof, read it). `None` where there is no such file. The file is kept
/// open and read again from its start each time (a `pread`: opening it anew would cost two more
/// system calls), into a stack buffer: no allocation on this path.
pub(crate) fn resident_set_size() -> Option<i64> {
    use std::os::unix::fs::FileExt;
    static STATM: OnceLock<Option<(std::fs::File, i64)>> = OnceLock::new();
    let (statm, page) = STATM
        .get_or_init(|| Some((std::fs::File::open("/proc/self/statm").ok()?, page_size())))
        .as_ref()?;
    let mut buf = [0u8; 128];
    let n = statm.read_at(&mut buf, 0).ok()?;
    let text = std::str::from_utf8(&buf[..n]).ok()?;
    let resident: i64 = text.split_ascii_whitespace().nth(1)?.parse().ok()?;
    Some(resident * page)
}

/// The page size, from the auxiliary vector (`AT_PAGESZ`); 4 KiB if it cannot be read.
fn page_size() -> i64 {
    const AT_PAGESZ: u64 = 6;
    let auxv = std::fs::read("/proc/self/auxv").unwrap_or_default();
    auxv.chunks_exact(16)
        .map(|pair| {
            let word = |b: &[u8]| u64::from_ne_bytes(b.try_into().unwrap_or([0; 8]));
            (word(&pair[..8]), word(&pair[8..]))
        })
        .find(|&(key, _)| key == AT_PAGESZ)
        .map_or(4096, |(_, value)| value as i64)
}
