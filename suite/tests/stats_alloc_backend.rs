//! A program whose global allocator is stats_alloc's can point the profiler at it and get
//! process-wide reports. (One test in this crate, a test binary of its own with stats_alloc's
//! allocator: the counters are process-wide.)

use std::alloc::System;

use memory_profiler::{capture, profile, Measured};
use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[profile]
fn basic_mean(n: u32) -> f64 {
    let nbrs: Vec<u64> = (0..10u64.pow(n)).collect();
    let total: u64 = nbrs.iter().sum();
    total as f64 / nbrs.len() as f64
}

#[test]
fn reports_follow_stats_alloc() {
    assert!(memory_profiler::use_stats_alloc(GLOBAL));
    assert!(
        !memory_profiler::use_stats_alloc(GLOBAL),
        "only the first call takes effect"
    );
    let (mean, reports) = capture(|| basic_mean(5));
    assert_eq!(mean, 49999.5);
    let report = reports.function("basic_mean").unwrap();
    assert_eq!(report.measured(), Measured::StatsAlloc);
    let collect = report.line_containing("collect()").unwrap();
    assert_eq!((collect.increment, collect.allocations), (800_000, 1));
    assert_eq!(report.rows().last().unwrap().increment, -800_000);
    assert!(report
        .to_string()
        .contains("stats_alloc's process-wide counters"));
}
