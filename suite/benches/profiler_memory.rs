//! The profiler's own memory does not grow with calls or iterations: a profiled function
//! called 10 million times (its reports written to /dev/null, or gathered by `capture`) and a
//! profiled loop run 10^8 times end with the same profiler memory as after one call.
//!
//! Two figures after the first call and after the last: the process's resident set size
//! (`/proc/self/statm`), and the heap the profiler itself holds. The profiler allocates its own
//! things (reports, their text) untracked, so `memory_profiler::Allocator` does not count them;
//! this bench's global allocator wraps it and counts every live byte, and the profiler's heap
//! is that total minus what `Allocator` counts for the (only) thread.
//!
//! `cargo bench -p memory-profiler-suite --bench profiler_memory`; `OVERHEAD_CALLS` and
//! `OVERHEAD_ITERATIONS` change the counts (default 10^7 and 10^8).

use std::alloc::{GlobalAlloc, Layout};
use std::hint::black_box;
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
use std::time::Instant;

mod common;
use common::{grouped, grouped_i, say};

/// Counts the live bytes of every allocation, the profiler's own included.
struct Tally;

static INNER: memory_profiler::Allocator = memory_profiler::Allocator::system();
static LIVE: AtomicI64 = AtomicI64::new(0);

#[global_allocator]
static GLOBAL: Tally = Tally;

// SAFETY: forwards every call unchanged to `memory_profiler::Allocator` and returns its result;
// the bookkeeping is one relaxed atomic add, which cannot allocate, unwind or fail.
unsafe impl GlobalAlloc for Tally {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, which we forward.
        let ptr = unsafe { INNER.alloc(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as i64, Relaxed);
        }
        ptr
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { INNER.alloc_zeroed(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as i64, Relaxed);
        }
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `INNER` (through us) with `layout`.
        unsafe { INNER.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as i64, Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract.
        let new = unsafe { INNER.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_add(new_size as i64 - layout.size() as i64, Relaxed);
        }
        new
    }
}

/// A small profiled function that allocates and frees on its lines.
#[memory_profiler::profile(stream = "/dev/null")]
#[inline(never)]
pub fn small(i: u64) -> u64 {
    let v: Vec<u64> = (i..i + 4).collect();
    let total: u64 = v.iter().sum();
    let label = format!("{total}");
    total + label.len() as u64
}

/// `small`, reported once for the whole run (at exit, to /dev/null).
#[memory_profiler::profile(report = "exit", stream = "/dev/null")]
#[inline(never)]
pub fn small_run_wide(i: u64) -> u64 {
    let v: Vec<u64> = (i..i + 4).collect();
    let total: u64 = v.iter().sum();
    let label = format!("{total}");
    total + label.len() as u64
}

/// A profiled loop; one iteration in a thousand allocates.
#[memory_profiler::profile(stream = "/dev/null")]
#[inline(never)]
pub fn long_loop(n: u64) -> u64 {
    let mut total = 0u64;
    for i in 0..n {
        total = total.wrapping_add(i);
        let boxed = i.is_multiple_of(1000).then(|| Box::new(i));
        total = total.wrapping_add(boxed.map_or(0, |b| *b));
    }
    total
}

/// What the profiler holds now: (its own heap, the process's RSS).
fn profiler_memory() -> (i64, u64) {
    let all = LIVE.load(Relaxed);
    let counted = memory_profiler::thread_stats().live();
    (all - counted, common::rss_bytes())
}

/// Calls `f(i)` for `i` in `1..n`, and takes the profiler's memory after each power of ten
/// of calls (counting the one made before).
fn calls_with_checkpoints(n: u64, mut f: impl FnMut(u64)) -> Vec<(u64, (i64, u64))> {
    let mut checkpoints = Vec::new();
    let mut next = 10;
    for i in 1..n {
        f(i);
        if i + 1 == next {
            checkpoints.push((next, profiler_memory()));
            next *= 10;
        }
    }
    checkpoints
}

/// `10^3: 64 B, 2,052 KiB; 10^4: ...`
fn checkpoints_text(checkpoints: &[(u64, (i64, u64))]) -> String {
    checkpoints
        .iter()
        .map(|(n, (heap, rss))| {
            format!(
                "10^{}: {} B, {} KiB",
                n.ilog10(),
                grouped_i(*heap),
                grouped(rss / 1024)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn env_count(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Prints the profiler's memory after the first of `n` runs and after the last.
fn report(what: &str, n: u64, first: (i64, u64), last: (i64, u64), seconds: f64) {
    say(format!(
        "profiler memory, {what}: after 1: own heap {} B, RSS {} KiB; after {}: own heap {} B \
         ({:+} B), RSS {} KiB ({:+} KiB); {:.1} s",
        grouped_i(first.0),
        grouped(first.1 / 1024),
        grouped(n),
        grouped_i(last.0),
        last.0 - first.0,
        grouped(last.1 / 1024),
        (last.1 as i64 - first.1 as i64) / 1024,
        seconds
    ));
}

fn main() {
    let calls = env_count("OVERHEAD_CALLS", 10_000_000);
    let iterations = env_count("OVERHEAD_ITERATIONS", 100_000_000);

    // Reports written (rendered, then written to /dev/null) after every call.
    black_box(small(black_box(0)));
    let first = profiler_memory();
    let start = Instant::now();
    let checkpoints = calls_with_checkpoints(calls, |i| {
        black_box(small(black_box(i)));
    });
    let seconds = start.elapsed().as_secs_f64();
    report(
        "a function called, each report written to /dev/null",
        calls,
        first,
        profiler_memory(),
        seconds,
    );
    say(format!(
        "profiler memory, the same after 10^k calls (own heap, RSS): {}",
        checkpoints_text(&checkpoints)
    ));

    // Reports gathered by `capture`: the reports of one function are summed into one.
    let (seconds, first, last, checkpoints) = memory_profiler::capture(|| {
        black_box(small(black_box(0)));
        let first = profiler_memory();
        let start = Instant::now();
        let checkpoints = calls_with_checkpoints(calls, |i| {
            black_box(small(black_box(i)));
        });
        (
            start.elapsed().as_secs_f64(),
            first,
            profiler_memory(),
            checkpoints,
        )
    })
    .0;
    report(
        "a function called inside one `capture`",
        calls,
        first,
        last,
        seconds,
    );
    say(format!(
        "profiler memory, the same after 10^k calls (own heap, RSS): {}",
        checkpoints_text(&checkpoints)
    ));

    // Run-wide: `calls` calls in all on 8 threads, each of which made one call first. Every
    // call frees what it allocates, so all the process's live heap but the threads' own
    // (a few bytes each, counted before and after) is the profiler's.
    const THREADS: u64 = 8;
    let barrier = std::sync::Barrier::new(THREADS as usize + 1);
    let (first, last, seconds) = std::thread::scope(|s| {
        for t in 0..THREADS {
            let barrier = &barrier;
            s.spawn(move || {
                black_box(small_run_wide(black_box(t)));
                barrier.wait(); // one call each
                barrier.wait(); // measured
                for i in 1..calls / THREADS {
                    black_box(small_run_wide(black_box(i)));
                }
                barrier.wait(); // all calls made
                barrier.wait(); // measured
            });
        }
        barrier.wait();
        let first = (LIVE.load(Relaxed), common::rss_bytes());
        let start = Instant::now();
        barrier.wait();
        barrier.wait();
        let seconds = start.elapsed().as_secs_f64();
        let last = (LIVE.load(Relaxed), common::rss_bytes());
        barrier.wait();
        (first, last, seconds)
    });
    report(
        &format!("run-wide (report = \"exit\"), {THREADS} threads (the process's heap)"),
        calls,
        first,
        last,
        seconds,
    );

    // One call whose loop runs once, then one whose loop runs `iterations` times.
    black_box(long_loop(black_box(1)));
    let first = profiler_memory();
    let start = Instant::now();
    black_box(long_loop(black_box(iterations)));
    let seconds = start.elapsed().as_secs_f64();
    report(
        "a loop (1 iteration, then the same function with N)",
        iterations,
        first,
        profiler_memory(),
        seconds,
    );
}
