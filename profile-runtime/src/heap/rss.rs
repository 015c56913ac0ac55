//! The resident set size, the figures of programs that install no counting allocator: read
//! from `/proc/self/statm`, and, for the probes, at most once per interval ([`RssSampler`]).
//!
//! It calls `crate::alloc` (its reads pass through the profiler's own allocations) and the
//! relaxed loads of `crate::relaxed`.

use std::sync::OnceLock;

use crate::alloc;

/// The probes' resident set size, shared by the process's threads.
pub(super) static RSS: RssSampler = RssSampler::new();

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
