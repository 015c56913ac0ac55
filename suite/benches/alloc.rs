//! Allocator overhead: `memory_profiler::Allocator` against `std::alloc::System` on an
//! allocation-heavy workload (small boxes, a growing `Vec`, `String` building), on one thread
//! and on two, with stats_alloc's `StatsAlloc<System>` and dhat's `dhat::Alloc` (a dhat
//! profiler running) beside it.
//!
//! A binary has one `#[global_allocator]`, so this one is a dispatcher: every call reads a
//! static atomic (relaxed) and forwards to the allocator under test. The baseline is therefore
//! the dispatcher forwarding to `System`; every allocator pays the same load and predictable
//! branch (a handful of instructions, see BENCHMARKS.md), so each ratio is slightly diluted
//! compared to a binary that installs the allocator directly. All four forward to `System` in
//! the end, so a block allocated under one selection can be freed under another.
//!
//! `cargo bench -p memory-profiler-suite --bench alloc`; the ratios are printed last, as
//! `overhead:` lines, from criterion's medians of this run, followed by callgrind's instruction
//! counts per workload unit (deterministic; `OVERHEAD_NO_CALLGRIND=1` skips them).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU8, Ordering::Relaxed};
use std::sync::Barrier;
use std::time::{Duration, Instant};

mod common;
use common::{grouped, human_ns, say};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Under {
    System = 0,
    Ours = 1,
    StatsAlloc = 2,
    Dhat = 3,
}

impl Under {
    fn parse(name: &str) -> Under {
        match name {
            "system" => Under::System,
            "ours" => Under::Ours,
            "stats_alloc" => Under::StatsAlloc,
            "dhat" => Under::Dhat,
            _ => panic!("unknown allocator {name}"),
        }
    }
}

static SELECTED: AtomicU8 = AtomicU8::new(Under::System as u8);
static OURS: memory_profiler::Allocator = memory_profiler::Allocator::system();
static STATS_ALLOC: stats_alloc::StatsAlloc<System> = stats_alloc::StatsAlloc::system();
static DHAT: dhat::Alloc = dhat::Alloc;

/// Forwards every call to the allocator `SELECTED` names.
struct Dispatch;

#[global_allocator]
static GLOBAL: Dispatch = Dispatch;

macro_rules! forward {
    ($method:ident($($arg:expr),*)) => {
        match SELECTED.load(Relaxed) {
            0 => System.$method($($arg),*),
            1 => OURS.$method($($arg),*),
            2 => STATS_ALLOC.$method($($arg),*),
            _ => DHAT.$method($($arg),*),
        }
    };
}

// SAFETY: each method forwards its arguments unchanged to one of four allocators that all
// allocate from `System` in the end, so a block may be freed or reallocated through any of them
// (dhat ignores blocks it did not record; the counting ones only count).
unsafe impl GlobalAlloc for Dispatch {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, which we forward.
        unsafe { forward!(alloc(layout)) }
    }
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe { forward!(alloc_zeroed(layout)) }
    }
    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with `layout` (see the impl's comment).
        unsafe { forward!(dealloc(ptr, layout)) }
    }
    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract.
        unsafe { forward!(realloc(ptr, layout, new_size)) }
    }
}

/// Runs `f` with `under` selected (and, for dhat, a profiler running), then selects `System`
/// again, so that criterion's own work between samples is not counted.
fn with_allocator<R>(under: Under, f: impl FnOnce() -> R) -> R {
    let profiler = (under == Under::Dhat).then(|| dhat::Profiler::builder().testing().build());
    SELECTED.store(under as u8, Relaxed);
    let result = f();
    SELECTED.store(Under::System as u8, Relaxed);
    drop(profiler);
    result
}

const WORDS: &str = "line by line heap report for rust functions";

/// One unit of the workload: 16 small boxes (48 bytes) kept in a `Vec` and dropped, a `Vec`
/// pushed to 512 `u32`s (growing by reallocation), and a `String` built from 64 words.
#[inline(never)]
fn unit() {
    let boxes: Vec<Box<[u64; 6]>> = (0..16u64).map(|i| Box::new([i; 6])).collect();
    black_box(&boxes);
    let mut numbers = Vec::new();
    for i in 0..512u32 {
        numbers.push(black_box(i));
    }
    black_box(&numbers);
    let mut text = String::new();
    for word in WORDS.split(' ').cycle().take(64) {
        text.push_str(black_box(word));
        text.push(' ');
    }
    black_box(&text);
}

fn units(n: u64) {
    for _ in 0..n {
        unit();
    }
}

/// `n` units on each of `threads` threads, started together: the time from the first thread's
/// start to the last one's end, as the threads themselves see it (a main thread descheduled
/// at the wrong moment cannot shorten it).
fn timed_on_threads(threads: usize, n: u64) -> Duration {
    let barrier = Barrier::new(threads);
    let spans: Vec<(Instant, Instant)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let start = Instant::now();
                    units(n);
                    (start, Instant::now())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let start = spans.iter().map(|s| s.0).min().unwrap();
    let end = spans.iter().map(|s| s.1).max().unwrap();
    end - start
}

/// Units per allocator and round of the interleaved measurement, and the rounds.
const ROUND_UNITS: u64 = 2000;
const ROUNDS: usize = 40;

const ALLOCATORS: [(&str, Under); 5] = [
    ("system", Under::System),
    ("ours", Under::Ours),
    ("stats_alloc", Under::StatsAlloc),
    ("dhat", Under::Dhat),
    // The baseline once more, last: how far two measurements of the same thing drift apart in
    // this run (other processes on the machine).
    ("system_again", Under::System),
];

fn bench(c: &mut criterion::Criterion) {
    for threads in [1usize, 2] {
        let mut group = c.benchmark_group(format!("alloc_{threads}_thread"));
        for (id, under) in ALLOCATORS {
            group.bench_function(id, |b| {
                if threads == 1 {
                    with_allocator(under, || b.iter(unit));
                } else {
                    b.iter_custom(|iters| {
                        with_allocator(under, || timed_on_threads(threads, iters))
                    });
                }
            });
        }
        group.finish();
    }
}

/// Allocator calls per unit, as our allocator counts them.
fn calls_per_unit() -> u64 {
    with_allocator(Under::Ours, || {
        let before = memory_profiler::thread_stats();
        units(100);
        let d = memory_profiler::thread_stats() - before;
        (d.allocations + d.deallocations + d.reallocations) / 100
    })
}

fn summary() {
    let calls = calls_per_unit();
    say(format!(
        "alloc: one workload unit makes {calls} allocator calls (alloc + dealloc + realloc); \
         baseline: the dispatcher forwarding to System"
    ));
    for threads in [1usize, 2] {
        // Criterion's medians, each measured in its own stretch of this run.
        let group = format!("alloc_{threads}_thread");
        if let Some(base) = common::median_ns(&group, "system") {
            let mut line = format!(
                "alloc, {threads} thread(s), criterion medians per unit: system {}",
                human_ns(base)
            );
            for (id, _) in &ALLOCATORS[1..] {
                if let Some(t) = common::median_ns(&group, id) {
                    line += &format!(" | {id} {} = {:.3}x", human_ns(t), t / base);
                }
            }
            say(line);
        }
        // Interleaved rounds: every allocator once per round, ratios per round.
        let mut runs: Vec<Box<dyn FnMut() -> Duration>> = ALLOCATORS
            .iter()
            .map(|&(_, under)| -> Box<dyn FnMut() -> Duration> {
                Box::new(move || {
                    with_allocator(under, || {
                        if threads == 1 {
                            let start = Instant::now();
                            units(ROUND_UNITS);
                            start.elapsed()
                        } else {
                            timed_on_threads(threads, ROUND_UNITS)
                        }
                    })
                })
            })
            .collect();
        let mut refs: Vec<&mut dyn FnMut() -> Duration> =
            runs.iter_mut().map(|r| &mut **r as _).collect();
        let rounds = common::Interleaved::run(ROUNDS, &mut refs);
        let base = rounds.median(0) * 1e9 / ROUND_UNITS as f64;
        let mut line = format!(
            "alloc, {threads} thread(s), {ROUNDS} interleaved rounds of {ROUND_UNITS} units \
             (median ratio [quartiles]): system {} per unit",
            human_ns(base)
        );
        for (i, (id, _)) in ALLOCATORS.iter().enumerate().skip(1) {
            let (ratio, _, _) = rounds.ratio(i);
            line += &format!(
                " | {id} {} ({:+.2} ns per call), fastest rounds {:.3}x",
                common::ratio_text(rounds.ratio(i)),
                (ratio - 1.0) * base / calls as f64,
                rounds.min_ratio(i)
            );
        }
        say(line);
    }
    if !common::callgrind_available() {
        say("alloc: callgrind skipped (OVERHEAD_NO_CALLGRIND set, or no valgrind)");
        return;
    }
    // Instructions per unit: the difference between 2,000 and 1,000 units, so that start-up
    // and dhat's profiler set-up cancel out. One thread (valgrind serialises threads anyway).
    let per_unit = |name: &str| -> Option<u64> {
        let run = |n: u64| {
            common::callgrind_instructions(
                &format!("alloc-{name}-{n}"),
                &[("OVERHEAD_ALLOC_UNITS", format!("{name}:{n}"))],
                &[],
            )
        };
        Some((run(2000)?.saturating_sub(run(1000)?)) / 1000)
    };
    let Some(base) = per_unit("system") else {
        return;
    };
    let mut line = format!(
        "alloc, callgrind instructions per unit: system {}",
        grouped(base)
    );
    for name in ["ours", "stats_alloc", "dhat"] {
        if let Some(n) = per_unit(name) {
            line += &format!(
                " | {name} {} = {:.3}x ({:+.1} per call)",
                grouped(n),
                n as f64 / base as f64,
                (n as f64 - base as f64) / calls as f64
            );
        }
    }
    say(line);
}

fn main() {
    // A callgrind child: run the workload under one allocator and exit.
    if let Ok(spec) = std::env::var("OVERHEAD_ALLOC_UNITS") {
        let (name, n) = spec.split_once(':').expect("allocator:units");
        let n: u64 = n.parse().expect("units");
        with_allocator(Under::parse(name), || units(n));
        return;
    }
    common::process_start();
    let mut c = common::criterion(20, Duration::from_secs(2));
    bench(&mut c);
    c.final_summary();
    summary();
}
