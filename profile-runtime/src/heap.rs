//! Which heap a figure follows ([`Measured`]), and how each is read: the thread's or the
//! process's counters of [`Allocator`](crate::Allocator), a `stats_alloc` global allocator
//! ([`use_stats_alloc`], [`ExternalStats`]), or the resident set size when no counting
//! allocator is installed.
//!
//! It owns the registered `stats_alloc` allocator and the open `/proc/self/statm`. It calls
//! the allocator's counters (`crate::alloc`) and reads the contract's `Threads`
//! (`crate::spec`); the recorder, `measure` and `limit` call it.

use std::sync::OnceLock;

use crate::alloc::{self, Sample, Stats};
use crate::spec::Threads;

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

/// The probes' resident set size, shared by the process's threads.
static RSS: RssSampler = RssSampler::new();

/// Reads the resident set size for the probes at most once per interval, and otherwise gives
/// the last figure read.
///
/// A read of `/proc/self/statm` is a system call in which the kernel sums per-CPU counters:
/// 18 to 25 µs on this project's machines, where a probe with a counting allocator costs under
/// a nanosecond. Read at every probe, it made a profiled test suite (memchr's, which installs
/// no allocator) 200 times slower. So each read measures its own cost and the next one waits
/// until 49 times that has passed: reading takes at most a fiftieth of the program's time.
/// The wait is at least [`MIN_WAIT`](Self::MIN_WAIT), at most [`MAX_WAIT`](Self::MAX_WAIT),
/// and at least a tick of the clock ([`now`](Self::now)). A line that runs for longer than
/// that is always charged its own change; shorter lines' changes may show on a later line of
/// the same call (or on its caller's line). memory_profiler's figures, read from the same
/// counter, are approximate too. Between reads a probe costs a clock read.
pub(crate) struct RssSampler {
    /// The last figure read, in bytes (an `i64`'s bits).
    last: std::sync::atomic::AtomicU64,
    /// When the next read may happen, in nanoseconds on [`now`](Self::now)'s clock.
    next: std::sync::atomic::AtomicU64,
    /// The read count and their total time in nanoseconds (for the tests).
    reads: std::sync::atomic::AtomicU64,
    read_nanos: std::sync::atomic::AtomicU64,
    epoch: OnceLock<std::time::Instant>,
}

impl RssSampler {
    /// The shortest wait between two reads.
    pub(crate) const MIN_WAIT: u64 = 10_000;
    /// The longest wait between two reads: 1 ms.
    pub(crate) const MAX_WAIT: u64 = 1_000_000;
    /// How many times a read's cost the next read waits.
    const SPACING: u64 = 49;

    pub(crate) const fn new() -> RssSampler {
        use std::sync::atomic::AtomicU64;
        RssSampler {
            last: AtomicU64::new(0),
            next: AtomicU64::new(0),
            reads: AtomicU64::new(0),
            read_nanos: AtomicU64::new(0),
            epoch: OnceLock::new(),
        }
    }

    /// Nanoseconds on a monotonic clock, never 0. On 64-bit Linux, the only system with a
    /// `/proc/self/statm` to read, the kernel's coarse clock (`CLOCK_MONOTONIC_COARSE`): 6 ns a
    /// read where the precise clock takes 30, and probes read it each time. It moves once per
    /// kernel tick (1 to 10 ms, by the kernel's `HZ`), so there the reads are at most one per
    /// tick, and a line that runs for a tick or longer is always charged its own change.
    fn now(&self) -> u64 {
        #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
        {
            let nanos = coarse_clock();
            if nanos != 0 {
                return nanos;
            }
        }
        let epoch = *self.epoch.get_or_init(std::time::Instant::now);
        // Nanoseconds fit a u64 for 584 years; `max(1)` keeps 0 as "never read".
        (epoch.elapsed().as_nanos() as u64).max(1)
    }

    /// The figure now, read from `/proc/self/statm` if the wait since the last read is over.
    /// Threads may read at the same time (each then stores what it read): the figure is the
    /// process's, whoever reads it. (Written without closures: unoptimised builds of the
    /// runtime, those of `cargo test`, make each one a call.)
    pub(crate) fn sample(&self) -> i64 {
        let start = self.now();
        if start < crate::relaxed::load_u64(&self.next) {
            return crate::relaxed::load_u64(&self.last) as i64;
        }
        self.read(start, || self.now(), resident_set_size_untracked)
    }

    /// [`sample`](Self::sample) with its clock (nanoseconds, never 0) and reading given.
    #[cfg(test)]
    fn sample_with(&self, now: impl Fn() -> u64, read: impl FnOnce() -> Option<i64>) -> i64 {
        let start = now();
        if start < self.next.load(std::sync::atomic::Ordering::Relaxed) {
            return self.last.load(std::sync::atomic::Ordering::Relaxed) as i64;
        }
        self.read(start, now, read)
    }

    /// Reads the figure (the wait is over at `start`) and sets the next wait.
    #[cold]
    #[inline(never)]
    fn read(&self, start: u64, now: impl Fn() -> u64, read: impl FnOnce() -> Option<i64>) -> i64 {
        use std::sync::atomic::Ordering::Relaxed;
        let live = read().unwrap_or(0);
        let end = now();
        let cost = end.saturating_sub(start);
        self.last.store(live as u64, Relaxed);
        let wait = cost
            .saturating_mul(Self::SPACING)
            .clamp(Self::MIN_WAIT, Self::MAX_WAIT);
        self.next.store(end + wait, Relaxed);
        self.reads.fetch_add(1, Relaxed);
        self.read_nanos.fetch_add(cost, Relaxed);
        live
    }

    /// How many reads were made, and their total time in nanoseconds.
    #[cfg(test)]
    pub(crate) fn reads(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.reads.load(Relaxed), self.read_nanos.load(Relaxed))
    }
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

/// `CLOCK_MONOTONIC_COARSE` in nanoseconds, read through the C library's `clock_gettime`
/// (which std links on Linux; the vDSO answers it without a system call). 0 if it fails.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn coarse_clock() -> u64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: std::ffi::c_int, time: *mut Timespec) -> std::ffi::c_int;
    }
    const CLOCK_MONOTONIC_COARSE: std::ffi::c_int = 6;
    let mut time = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `clock_gettime(2)` writes one `struct timespec` through its pointer, which on
    // 64-bit Linux (glibc and musl alike) is two 64-bit fields, `Timespec`'s layout; `time`
    // lives across the call. It reads nothing else and keeps no pointer.
    let done = unsafe { clock_gettime(CLOCK_MONOTONIC_COARSE, &mut time) };
    if done != 0 {
        return 0;
    }
    time.sec as u64 * 1_000_000_000 + time.nsec as u64
}

/// [`resident_set_size`], for the probes: the first read opens the file (which may allocate),
/// and what that reaches passes through.
fn resident_set_size_untracked() -> Option<i64> {
    let _through = alloc::PassThrough::start();
    resident_set_size()
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

#[cfg(test)]
mod tests {
    use super::RssSampler;
    use std::cell::Cell;

    /// A read costing 2 µs waits 98 µs for the next; probes in between give the last figure.
    #[test]
    fn the_resident_set_size_is_read_once_per_interval() {
        let sampler = RssSampler::new();
        let clock = Cell::new(1u64);
        let figure = Cell::new(0i64);
        let mut seen = Vec::new();
        // 100,000 probes 10 ns apart (1 ms), the figure growing by one at each.
        for _ in 0..100_000 {
            clock.set(clock.get() + 10);
            figure.set(figure.get() + 1);
            let got = sampler.sample_with(
                || clock.get(),
                || {
                    clock.set(clock.get() + 2_000);
                    Some(figure.get())
                },
            );
            seen.push(got);
        }
        // The first probe reads at 11 ns (the figure 1) until 2,011 ns, so the next read may
        // start at 100,011 ns: probe 9,801 (at 2,001 + 10 × 9,801 ns) reads the figure 9,801.
        // Each read and its wait take 100 µs: the 1 ms of probes holds 11 reads.
        assert_eq!(&seen[..2], &[1, 1]);
        assert_eq!(seen[9_799], 1);
        assert_eq!(seen[9_800], 9_801);
        let (reads, nanos) = sampler.reads();
        assert_eq!((reads, nanos), (11, 22_000));
        assert_eq!(clock.get(), 1 + 100_000 * 10 + 11 * 2_000);
        // Reading took a fiftieth of the time, give or take the last read.
        assert!(nanos * 50 <= clock.get() + 2_000 * 50);
    }

    /// A slow read (a descheduled thread, a loaded kernel) waits at most 1 ms; a fast one at
    /// least 10 µs.
    #[test]
    fn the_wait_is_bounded() {
        for (cost, wait) in [
            (1_000_000, RssSampler::MAX_WAIT),
            (10, RssSampler::MIN_WAIT),
        ] {
            let sampler = RssSampler::new();
            let clock = Cell::new(1u64);
            let read = || {
                clock.set(clock.get() + cost);
                Some(7)
            };
            assert_eq!(sampler.sample_with(|| clock.get(), read), 7);
            let after = clock.get();
            clock.set(after + wait - 1);
            assert_eq!(sampler.sample_with(|| clock.get(), || Some(8)), 7);
            clock.set(after + wait);
            assert_eq!(sampler.sample_with(|| clock.get(), || Some(8)), 8);
        }
    }
}
