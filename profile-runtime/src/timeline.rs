//! The `mprof run` timeline: `FUNC` lines of the profiled functions' calls, appended to the
//! `.dat` file of a program started by `mprof run`.
//!
//! `mprof run` names its `.dat` file in the environment variable
//! [`DAT_VAR`](crate::spec::DAT_VAR) and its sampling interval in
//! [`INTERVAL_VAR`](crate::spec::INTERVAL_VAR). Under it, a call of a `#[profile]` function
//! that lasts at least one sampling interval adds memory_profiler's line
//!
//! ```text
//! FUNC <module.function> <MiB at entry> <time at entry> <MiB at exit> <time at exit> <level>
//! ```
//!
//! (a method's name is dotted too: `module.Type.method`; see `crate::names::dotted_name`),
//! with the process's resident set size (as mprof's `MEM` samples), Unix times in seconds, and
//! the call's nesting level among the profiled calls of its thread (0 for the outermost, 1 for
//! a profiled call inside it, ..., as Python's `memory_profiler --timestamp` counts). Shorter
//! calls add nothing: they would fall between two samples, and a helper called a million
//! times would otherwise flood the file and hide the curve under its brackets. Each line is
//! appended when its call ends, by one `write` (see `crate::output::Mprof`), so lines never
//! tear against mprof's own samples and none is lost if the program is killed later.
//!
//! A call under mprof costs two reads of the monotonic clock; the resident set size is read
//! at most a few times per sampling interval (a call's entry figure is the latest such
//! reading, at most a quarter of an interval old) and at the exit of the calls that get a
//! line. Outside `mprof run`, a profiled call pays one relaxed load of a cached flag.
//!
//! It owns the clocks and the per-thread nesting counters; it calls the contract's
//! [`func_line`](crate::spec::func_line), the names (`crate::names`), the resident set size
//! (`crate::heap`), the allocator's `untracked` and the `.dat` sink of `crate::output`.

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::output::{mprof, Mprof};
use crate::spec::{func_line, FnMeta};

/// Whether the program runs under `mprof run`: not known yet, no, yes.
static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);
const UNKNOWN: u8 = 0;
const OFF: u8 = 1;
const ON: u8 = 2;

/// The interval used when `mprof run` did not give one: its default.
const DEFAULT_INTERVAL: f64 = 0.1;

thread_local! {
    /// The profiled calls in progress on this thread. A counter of its own, leaked once per
    /// thread (under mprof only), so that an `async fn` call that ends on another thread than
    /// it began on still counts down the thread it began on.
    static DEPTH: Cell<Option<&'static AtomicU32>> = const { Cell::new(None) };
}

/// This thread's counter of calls in progress.
fn depth() -> Option<&'static AtomicU32> {
    DEPTH
        .try_with(|d| match d.get() {
            Some(depth) => depth,
            None => {
                let depth: &'static AtomicU32 = Box::leak(Box::new(AtomicU32::new(0)));
                d.set(Some(depth));
                depth
            }
        })
        .ok()
}

/// The clocks: a monotonic origin and the Unix time it stands for, and the sampling interval.
struct Clock {
    origin: Instant,
    unix: f64,
    /// The sampling interval in nanoseconds: calls shorter than it get no line.
    interval: u64,
}

fn clock(sink: &Mprof) -> &'static Clock {
    static CLOCK: OnceLock<Clock> = OnceLock::new();
    CLOCK.get_or_init(|| Clock {
        origin: Instant::now(),
        unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64()),
        interval: (sink.interval.unwrap_or(DEFAULT_INTERVAL) * 1e9) as u64,
    })
}

impl Clock {
    /// Nanoseconds since the origin.
    fn now(&self) -> u64 {
        self.origin.elapsed().as_nanos() as u64
    }

    fn unix(&self, nanos: u64) -> f64 {
        self.unix + nanos as f64 / 1e9
    }
}

/// The latest reading of the resident set size (bytes) and when it was taken (nanoseconds
/// since the clock's origin, plus one: 0 is "never").
static RSS: AtomicU64 = AtomicU64::new(0);
static RSS_AT: AtomicU64 = AtomicU64::new(0);

/// The resident set size at `now`, read again only when the last reading is older than a
/// quarter of the sampling interval.
fn rss_recent(clock: &Clock, now: u64) -> u64 {
    let at = RSS_AT.load(Relaxed);
    if at != 0 && now.saturating_sub(at - 1) < clock.interval / 4 {
        return RSS.load(Relaxed);
    }
    rss_read(now)
}

fn rss_read(now: u64) -> u64 {
    let rss = crate::heap::resident_set_size().unwrap_or(0).max(0) as u64;
    RSS.store(rss, Relaxed);
    RSS_AT.store(now + 1, Relaxed);
    rss
}

/// A call in progress on the timeline.
pub(crate) struct Call {
    /// Nanoseconds since the clock's origin.
    start: u64,
    /// The resident set size at entry (the latest reading), in bytes.
    rss: u64,
    level: u32,
    /// The counter of the thread the call began on.
    depth: &'static AtomicU32,
}

/// A profiled call starts: `Some` when the program runs under `mprof run`.
#[inline]
pub(crate) fn enter(meta: &'static FnMeta) -> Option<Call> {
    if crate::relaxed::load_u8(&STATE) == OFF {
        return None;
    }
    enter_slow(meta)
}

#[cold]
#[inline(never)]
fn enter_slow(_meta: &'static FnMeta) -> Option<Call> {
    crate::alloc::untracked(|| {
        let Some(sink) = mprof() else {
            STATE.store(OFF, Relaxed);
            return None;
        };
        STATE.store(ON, Relaxed);
        let depth = depth()?;
        let level = depth.fetch_add(1, Relaxed);
        let clock = clock(sink);
        let start = clock.now();
        Some(Call {
            start,
            rss: rss_recent(clock, start),
            level,
            depth,
        })
    })
}

/// The call ends: if it lasted a sampling interval, its `FUNC` line is appended to the file.
pub(crate) fn exit(call: Call, meta: &'static FnMeta) {
    call.depth.fetch_sub(1, Relaxed);
    let Some(sink) = mprof() else { return };
    let clock = clock(sink);
    let end = clock.now();
    if end - call.start < clock.interval {
        return;
    }
    crate::alloc::untracked(|| {
        let entry_mib = mib(call.rss);
        let exit_mib = mib(rss_read(end));
        let name = crate::names::dotted_name(meta);
        let line = func_line(
            &name,
            (entry_mib, clock.unix(call.start)),
            (exit_mib, clock.unix(end)),
            Some(call.level),
        );
        if !sink.append(&line) {
            STATE.store(OFF, Relaxed);
        }
    });
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
