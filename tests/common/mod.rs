//! Helpers shared by the integration tests (each test crate that needs them has `mod common;`).

#![allow(dead_code)] // each test crate uses some of them

use memory_profiler::{thread_stats, Report, Reports};

/// Runs `f` on a new thread whose live heap is exactly 0 bytes when `f` starts, and returns
/// its value (a panic in `f` fails the test with its own message).
///
/// The counters are per thread, and a new thread frees what its parent allocated to hand it
/// over (std's boxed thread closure; and, when the test harness captures output, the closures
/// that pass the capture on): the new thread starts with 0 allocations and a live heap below 0,
/// by an amount that depends on std and on the harness (on Rust 1.95: -96 bytes by default,
/// -24 with `--nocapture`). We allocate that amount back and hold it during `f`, so that the
/// Mem usage column reads the profiled function's own heap, whatever runs the test.
pub fn on_fresh_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            let entry = thread_stats();
            assert_eq!(entry.allocations, 0, "the new thread allocated: {entry:?}");
            assert!(
                entry.live() <= 0,
                "the new thread starts above 0: {entry:?}"
            );
            let balance: Vec<u8> = Vec::with_capacity(entry.live().unsigned_abs() as usize);
            assert_eq!(thread_stats().live(), 0);
            let value = f();
            drop(balance);
            value
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Each row's figures: (line, mem_usage, increment, peak, allocations, occurrences).
pub fn figures(report: &Report) -> Vec<(u32, i64, i64, i64, u64, u64)> {
    report
        .rows()
        .iter()
        .map(|r| {
            (
                r.line,
                r.mem_usage,
                r.increment,
                r.peak,
                r.allocations,
                r.occurrences,
            )
        })
        .collect()
}

pub fn only(reports: &Reports, name: &str) -> Report {
    assert_eq!(reports.len(), 1, "{reports}");
    let report = reports.function(name).expect(name).clone();
    assert_eq!(report.calls(), 1);
    assert!(!report.panicked());
    report
}
