//! A reallocation that moves its block copies the old block into the new one while both are
//! live: Peak (`measure`'s, the line's, the process-wide one) counts both. The inner allocator
//! (`memory_profiler_suite::Moving`) moves every growth and keeps every shrink in place, so the
//! figures are the same on every run. One test: it also measures the whole process. (So a test
//! binary of its own, with that allocator, not a module of `integration/`.)

use memory_profiler::{capture, measure, measure_process, profile, Allocator};

use memory_profiler_suite::Moving;

#[global_allocator]
static ALLOC: Allocator<Moving> = Allocator::new(Moving);

#[profile(unit = "B", peak, allocs)]
fn grow_then_shrink() -> usize {
    let mut v: Vec<u8> = Vec::with_capacity(1000);
    v.reserve_exact(2000);
    v.shrink_to(500);
    v.capacity()
}

#[test]
fn a_moving_reallocation_holds_both_blocks() {
    // 1,000 bytes, then a growth to 2,000 that moves (1,000 + 2,000 live while it copies), then
    // a shrink to 500 in place.
    let ((capacity, reports), usage) = measure(|| capture(grow_then_shrink));
    assert_eq!(capacity, 500);
    assert_eq!((usage.allocations, usage.reallocations), (1, 2));
    assert_eq!((usage.peak, usage.net), (3000, 0));

    let report = reports.function("grow_then_shrink").unwrap();
    let row = |text: &str| {
        let row = report.line_containing(text).unwrap();
        (row.increment, row.peak)
    };
    assert_eq!(row("with_capacity(1000)"), (1000, 1000), "{report}");
    // Above the line's start (1,000): the new 2,000 bytes while the old 1,000 are still there.
    assert_eq!(row("reserve_exact(2000)"), (1000, 2000), "{report}");
    assert_eq!(row("shrink_to(500)"), (-1500, 0), "{report}");

    // The same counted process-wide.
    let (_, usage) = measure_process(grow_then_shrink_plain);
    assert_eq!((usage.peak, usage.net, usage.reallocations), (3000, 0, 2));
}

fn grow_then_shrink_plain() -> usize {
    let mut v: Vec<u8> = Vec::with_capacity(1000);
    v.reserve_exact(2000);
    v.shrink_to(500);
    v.capacity()
}
