//! Which heap a figure follows ([`Measured`]), and how each is read: the thread's or the
//! process's counters of [`Allocator`](crate::Allocator), a `stats_alloc` global allocator
//! ([`use_stats_alloc`], [`ExternalStats`]), or the resident set size when no counting
//! allocator is installed.
//!
//! It owns the registered `stats_alloc` allocator, and in `rss` the open `/proc/self/statm`
//! and the probes' sampling of it. It calls the allocator's counters (`crate::alloc`) and
//! reads the contract's `Threads` (`crate::spec`); the recorder, `measure` and `limit` call it.

use std::sync::OnceLock;

use crate::alloc::{self, Sample, Stats};
use crate::spec::Threads;

mod rss;

pub(crate) use rss::resident_set_size;
use rss::RSS;

/// What a report's figures measure.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// #[memory_profiler::profile]
/// fn nothing() {}
/// let (_, reports) = memory_profiler::capture(nothing);
/// let report = reports.function("nothing").unwrap();
/// assert_eq!(report.measured(), memory_profiler::Measured::ThreadHeap);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Measured {
    /// The heap of the calling thread, counted by [`Allocator`](crate::Allocator): exact.
    ThreadHeap,
    /// The heap of all threads, counted by [`Allocator`](crate::Allocator) while the report's
    /// call ran (`threads = "all"`): exact, relative to when process-wide counting started.
    ProcessHeap,
    /// The process-wide counters of a `stats_alloc::StatsAlloc` global allocator.
    StatsAlloc,
    /// No counting allocator is installed: the resident set size of the process, read from
    /// `/proc/self/statm`, as memory_profiler does. Probes read it at most once per tick of
    /// the kernel's clock (1 to 10 ms) and give the last figure in between, so a line shorter
    /// than that may have its change shown on a later line.
    ResidentSetSize,
}

impl Measured {
    /// The heap a report or measurement follows, given what is installed.
    pub(crate) fn choose(threads: Threads) -> Measured {
        if alloc::allocator_installed() {
            Measured::counted(threads)
        } else {
            Measured::uncounted()
        }
    }

    /// The heap followed when the counting allocator is known not to be installed.
    pub(crate) fn uncounted() -> Measured {
        if external().is_some() {
            Measured::StatsAlloc
        } else {
            Measured::ResidentSetSize
        }
    }

    /// The heap [`Allocator`](crate::Allocator) counts for `threads`.
    #[inline]
    pub(crate) fn counted(threads: Threads) -> Measured {
        match threads {
            Threads::Current => Measured::ThreadHeap,
            Threads::All => Measured::ProcessHeap,
        }
    }

    /// The heap now. (The thread's heap, the common case, without a jump table.)
    #[inline(always)]
    pub(crate) fn sample(self) -> Sample {
        if matches!(self, Measured::ThreadHeap) {
            return alloc::sample_thread();
        }
        self.sample_other()
    }

    #[cold]
    #[inline(never)]
    fn sample_other(self) -> Sample {
        match self {
            Measured::ThreadHeap => alloc::sample_thread(),
            Measured::ProcessHeap => alloc::sample_process(),
            Measured::StatsAlloc => sample_external(),
            Measured::ResidentSetSize => sample_rss(),
        }
    }

    #[inline(always)]
    pub(crate) fn restore_peak(self, peak: i64) {
        match self {
            Measured::ThreadHeap => alloc::restore_thread_peak(peak),
            Measured::ProcessHeap => alloc::restore_process_peak(peak),
            Measured::StatsAlloc | Measured::ResidentSetSize => {}
        }
    }

    /// The counters of the thread's heap or the process's.
    pub(crate) fn stats(self) -> Stats {
        match self {
            Measured::ProcessHeap => alloc::process_stats(),
            _ => alloc::thread_stats(),
        }
    }

    /// The heap as a table's head stores it, in a `u64` cell (see [`from_code`](Self::from_code)).
    #[inline]
    pub(crate) fn code(self) -> u64 {
        match self {
            Measured::ThreadHeap => 0,
            Measured::ProcessHeap => 1,
            Measured::StatsAlloc => 2,
            Measured::ResidentSetSize => 3,
        }
    }

    /// The heap a table's calls follow, from its head's cell.
    #[inline]
    pub(crate) fn from_code(code: u64) -> Measured {
        match code {
            1 => Measured::ProcessHeap,
            2 => Measured::StatsAlloc,
            3 => Measured::ResidentSetSize,
            _ => Measured::ThreadHeap,
        }
    }
}

/// stats_alloc's counters (see [`use_stats_alloc`](crate::use_stats_alloc)).
#[cold]
fn sample_external() -> Sample {
    // Another allocator's code: a profiled function it reaches passes through.
    let _through = alloc::PassThrough::start();
    let Some(ext) = external() else {
        return sample_rss();
    };
    let s = ext.stats();
    Sample {
        live: s.live(),
        peak: s.live(),
        allocations: s.allocations,
        reallocations: s.reallocations,
        allocated: s.bytes_allocated,
        events: u64::MAX,
    }
}

/// The resident set size (no counting allocator), as the probes see it: read again only when
/// the last read is old enough (see [`RssSampler`]), so that reading it costs the program a
/// fiftieth of its time at most.
#[cold]
fn sample_rss() -> Sample {
    let live = RSS.sample();
    Sample {
        live,
        peak: live,
        allocations: 0,
        reallocations: 0,
        allocated: 0,
        events: rss_events(live),
    }
}

/// A resident set size as a sample's `events`: the figure, with the top bit set so that no
/// count of the thread's counters (which the fast path of optimised probes compares, and
/// which stay at 0 without the counting allocator) is ever equal to it. Two samples with the
/// same figure have the same `events`: the probe between them has nothing to charge, and
/// takes the path of a line that changed nothing (`Core::step_sampled`).
#[inline(always)]
fn rss_events(live: i64) -> u64 {
    live as u64 | 1 << 63
}

/// Panics, with the lines to add, when the counting allocator is not installed.
#[track_caller]
pub(crate) fn require_allocator() {
    if !cfg!(feature = "enabled") {
        panic!("memory_profiler is switched off (its default feature `enabled` is not on), so allocations cannot be measured");
    }
    if !alloc::allocator_installed() {
        panic!(
            "memory_profiler: the counting allocator is not installed, so allocations cannot be measured.\n\
             Add these lines to the crate (for a test, to the test file):\n\n    \
             #[global_allocator]\n    \
             static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();\n"
        );
    }
}

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
