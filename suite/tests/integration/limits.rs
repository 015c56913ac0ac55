//! `#[limit]`: tests that fail when their body exceeds a memory limit, with the line report.

use memory_profiler::limit;

#[limit(peak = "1 MiB", leaks = "0 B", allocations = 3)]
#[test]
fn limit_above_test() {
    let v: Vec<u64> = (0..1000).collect();
    assert_eq!(v.len(), 1000);
}

#[test]
#[limit(peak = "8 KB")]
fn limit_below_test() {
    // 1,000 × 8 bytes = 8,000 bytes = 8 KB exactly: at the limit is within it.
    let v: Vec<u64> = (0..1000).collect();
    assert_eq!(v.len(), 1000);
}

#[test]
#[should_panic(expected = "peak 8,008 B (7.8 KiB) is above its limit of 8 KB (8,000 B)")]
#[limit(peak = "8 KB")]
fn one_element_over_the_limit_fails() {
    let v: Vec<u64> = (0..1001).collect();
    assert_eq!(v.len(), 1001);
}

#[test]
#[should_panic(expected = "leaks: 100 B left allocated is above its limit of 0 B")]
#[limit(leaks = "0 B")]
fn a_leak_fails() {
    std::mem::forget(vec![0u8; 100]);
}

#[test]
#[should_panic(expected = "allocations: 11 is above its limit of 10")]
#[limit(allocations = 10)]
fn too_many_allocations_fail() {
    let boxes: Vec<Box<u8>> = (0..10).map(Box::new).collect();
    assert_eq!(boxes.len(), 10);
}

#[test]
#[should_panic(expected = "the body's own panic")]
#[limit(peak = "1 B")]
fn a_panicking_body_keeps_its_own_panic() {
    let v: Vec<u8> = Vec::with_capacity(100);
    assert_eq!(v.capacity(), 100);
    panic!("the body's own panic");
}

#[limit(peak = "64 KiB")]
fn deliberately_regressed_mean(n: u64) -> f64 {
    // Deliberately regressed: collects what could be streamed.
    let nbrs: Vec<u64> = (0..n).collect();
    let total: u64 = nbrs.iter().sum();
    total as f64 / nbrs.len() as f64
}

#[test]
fn the_failure_message_names_the_limit_the_figure_and_the_line() {
    let failure = std::panic::catch_unwind(|| deliberately_regressed_mean(100_000)).unwrap_err();
    let message = failure.downcast_ref::<String>().unwrap();
    assert!(
        message.starts_with(
            "memory_profiler: `deliberately_regressed_mean` exceeded its memory limits:\n"
        ),
        "{message}"
    );
    assert!(
        message
            .contains("  - peak 800,000 B (781.2 KiB) is above its limit of 64 KiB (65,536 B)\n"),
        "{message}"
    );
    // The line report of the body, with the offending line's figures: Increment and Peak of
    // 800,000 bytes, one allocation.
    let line = message
        .lines()
        .find(|l| l.contains("let nbrs: Vec<u64> = (0..n).collect();"))
        .unwrap();
    let figures: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        &figures[3..9],
        ["800,000", "B", "800,000", "B", "1", "1"],
        "{line}"
    );
    // The same function within its limit: no panic.
    let ok = std::panic::catch_unwind(|| deliberately_regressed_mean(8_000)).unwrap();
    assert_eq!(ok, 3_999.5);
}

#[tokio::test]
#[limit(peak = "1 MiB")]
async fn limit_below_tokio_test() {
    let v: Vec<u64> = tokio::task::spawn_blocking(|| (0..1000).collect())
        .await
        .unwrap();
    let w: Vec<u64> = (0..1000).collect();
    assert_eq!(v, w);
}

#[limit(peak = "1 MiB")]
#[tokio::test]
async fn limit_above_tokio_test() {
    let w: Vec<u64> = (0..1000).collect();
    tokio::task::yield_now().await;
    assert_eq!(w.len(), 1000);
}

#[limit(peak = "64 KiB")]
#[tokio::test]
#[should_panic(expected = "peak 800,000 B (781.2 KiB) is above its limit of 64 KiB")]
async fn an_async_body_over_its_limit_fails() {
    tokio::task::yield_now().await;
    let w: Vec<u64> = (0..100_000).collect();
    tokio::task::yield_now().await;
    assert_eq!(w.len(), 100_000);
}

thread_local! {
    /// A cache filled on first use and kept for the thread's life, as libraries keep theirs.
    static SQUARES: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn square(n: usize) -> u64 {
    SQUARES.with(|squares| {
        let mut squares = squares.borrow_mut();
        if squares.is_empty() {
            squares.extend((0..64).map(|i| i * i));
        }
        squares[n]
    })
}

// The cache is filled by the warm-up run: the measured run leaves nothing allocated.
#[test]
#[limit(leaks = "0 B", allocations = 1, warmups = 1)]
fn state_kept_for_the_threads_life_is_told_apart_by_a_warm_up() {
    let v: Vec<u64> = (0..10).map(square).collect();
    assert_eq!(v[3], 9);
}

#[test]
#[should_panic(
    expected = "leaks: 512 B left allocated is above its limit of 0 B\n    (memory that \
                           a runtime or a library allocates the first time it is used and keeps \
                           for the thread's or the runtime's life counts here: `warmups = 1` runs \
                           the body once before the measured run, so that it is already there)"
)]
#[limit(leaks = "0 B")]
fn state_kept_for_the_threads_life_counts_without_a_warm_up() {
    let v: Vec<u64> = (0..10).map(square).collect();
    assert_eq!(v[3], 9);
}

// A test's own leak fails after the warm-up runs too.
#[test]
#[should_panic(expected = "leaks: 100 B left allocated is above its limit of 0 B\n  (measured")]
#[limit(leaks = "0 B", warmups = 3)]
fn a_leak_fails_after_warm_ups() {
    std::mem::forget(vec![0u8; 100]);
}

// The warm-up runs share the items declared in the body: its `static` counts every run.
static LAST_COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[limit(allocations = 0, warmups = 2)]
fn counted_runs() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, Ordering::Relaxed) + 1;
    LAST_COUNT.store(n, Ordering::Relaxed);
}

#[test]
fn warm_ups_share_the_bodys_items() {
    counted_runs();
    assert_eq!(LAST_COUNT.load(std::sync::atomic::Ordering::Relaxed), 3);
}
