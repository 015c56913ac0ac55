//! Process-wide counting: shared atomic counters that every thread's allocator calls update
//! while a process-wide measurement runs (`threads = "all"`, `measure_process`), and only then.
//!
//! It owns `PROCESS` and `PROCESS_USERS`. It calls the thread counters (`counters`, to skip the
//! profiler's own work); the allocator's hooks (`super`), `crate::heap` and `crate::measure`
//! call it.

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering::Relaxed};

use super::counters::{Sample, THREAD};
use super::stats::Stats;

/// Process-wide counters, kept only while a process-wide measurement runs
/// (`PROCESS_USERS > 0`), so that the default per-thread path touches no shared cache line
/// other than reading `PROCESS_USERS`.
struct ProcessCounters {
    allocations: AtomicU64,
    deallocations: AtomicU64,
    reallocations: AtomicU64,
    bytes_allocated: AtomicU64,
    bytes_freed: AtomicU64,
    live: AtomicI64,
    peak: AtomicI64,
}

static PROCESS: ProcessCounters = ProcessCounters {
    allocations: AtomicU64::new(0),
    deallocations: AtomicU64::new(0),
    reallocations: AtomicU64::new(0),
    bytes_allocated: AtomicU64::new(0),
    bytes_freed: AtomicU64::new(0),
    live: AtomicI64::new(0),
    peak: AtomicI64::new(0),
};
pub(super) static PROCESS_USERS: AtomicUsize = AtomicUsize::new(0);

/// What the allocator was asked to do.
#[derive(Clone, Copy)]
pub(super) enum Event {
    Alloc,
    Dealloc,
    Realloc,
}

/// An allocator event while a process-wide measurement runs: `allocated` bytes (of an
/// allocation, or a reallocation's new size), `freed` bytes (of a deallocation, or a
/// reallocation's old size), `transient` bytes live for an instant (a moved reallocation's old
/// block). Not for the profiler's own work (see [`untracked`](super::untracked)).
#[cold]
#[inline(never)]
pub(super) fn process_event(event: Event, allocated: i64, freed: i64, transient: i64) {
    if THREAD.try_with(|c| c.paused.get() != 0).unwrap_or(true) {
        return;
    }
    match event {
        Event::Alloc => PROCESS.allocations.fetch_add(1, Relaxed),
        Event::Dealloc => PROCESS.deallocations.fetch_add(1, Relaxed),
        Event::Realloc => PROCESS.reallocations.fetch_add(1, Relaxed),
    };
    PROCESS.bytes_allocated.fetch_add(allocated as u64, Relaxed);
    PROCESS.bytes_freed.fetch_add(freed as u64, Relaxed);
    let delta = allocated - freed;
    let live = PROCESS.live.fetch_add(delta, Relaxed) + delta;
    PROCESS.peak.fetch_max(live + transient, Relaxed);
}

/// Reads the process-wide heap (kept while a process-wide measurement runs) and restarts its
/// peak.
pub(crate) fn sample_process() -> Sample {
    let live = PROCESS.live.load(Relaxed);
    let peak = PROCESS.peak.swap(live, Relaxed).max(live);
    Sample {
        live,
        peak,
        allocations: PROCESS.allocations.load(Relaxed),
        reallocations: PROCESS.reallocations.load(Relaxed),
        allocated: PROCESS.bytes_allocated.load(Relaxed),
        events: u64::MAX,
    }
}

pub(crate) fn restore_process_peak(peak: i64) {
    PROCESS.peak.fetch_max(peak, Relaxed);
}

/// The process-wide counters, kept while process-wide counting runs.
pub(crate) fn process_stats() -> Stats {
    Stats {
        allocations: PROCESS.allocations.load(Relaxed),
        deallocations: PROCESS.deallocations.load(Relaxed),
        reallocations: PROCESS.reallocations.load(Relaxed),
        bytes_allocated: PROCESS.bytes_allocated.load(Relaxed),
        bytes_freed: PROCESS.bytes_freed.load(Relaxed),
    }
}

/// Starts process-wide counting; it goes on until the returned guard is dropped (counted).
pub(crate) struct ProcessCounting(());

impl ProcessCounting {
    pub(crate) fn start() -> Self {
        PROCESS_USERS.fetch_add(1, Relaxed);
        ProcessCounting(())
    }
}

impl Drop for ProcessCounting {
    fn drop(&mut self) {
        PROCESS_USERS.fetch_sub(1, Relaxed);
    }
}
