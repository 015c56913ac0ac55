//! Heaps other than [`Allocator`](crate::Allocator)'s: a `stats_alloc` global allocator, and the
//! resident set size when no counting allocator is installed.

use std::io::Read;
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
/// memory_profiler, reads it). `None` where there is no such file.
pub(crate) fn resident_set_size() -> Option<i64> {
    // A stack buffer: no allocation on this path.
    let mut buf = [0u8; 128];
    let mut file = std::fs::File::open("/proc/self/statm").ok()?;
    let n = file.read(&mut buf).ok()?;
    let text = std::str::from_utf8(&buf[..n]).ok()?;
    let resident: i64 = text.split_ascii_whitespace().nth(1)?.parse().ok()?;
    Some(resident * page_size())
}

/// The page size, from the auxiliary vector (`AT_PAGESZ`); 4 KiB if it cannot be read.
fn page_size() -> i64 {
    static PAGE: OnceLock<i64> = OnceLock::new();
    *PAGE.get_or_init(|| {
        const AT_PAGESZ: u64 = 6;
        let auxv = std::fs::read("/proc/self/auxv").unwrap_or_default();
        auxv.chunks_exact(16)
            .map(|pair| {
                let word = |b: &[u8]| u64::from_ne_bytes(b.try_into().unwrap_or([0; 8]));
                (word(&pair[..8]), word(&pair[8..]))
            })
            .find(|&(key, _)| key == AT_PAGESZ)
            .map_or(4096, |(_, value)| value as i64)
    })
}
