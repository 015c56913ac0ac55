//! `measure` agrees with dhat, the reference heap profiler, on the same work: our allocator
//! wraps dhat's, so both count the very same calls. (dhat's counters are process-wide: one test
//! in this crate, a test binary of its own, with dhat's allocator under ours.)

use memory_profiler::{measure, measure_process, Allocator};

#[global_allocator]
static ALLOC: Allocator<dhat::Alloc> = Allocator::new(dhat::Alloc);

fn work() -> usize {
    let mut total = 0;
    // Growing vectors (reallocations), strings, boxes, a map, and frees.
    let mut v: Vec<u64> = Vec::new();
    for i in 0..10_000 {
        v.push(i);
    }
    total += v.len();
    let s: String = (0..1000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    total += s.len();
    let boxes: Vec<Box<[u8; 48]>> = (0..1000).map(|_| Box::new([0u8; 48])).collect();
    total += boxes.len();
    let mut map = std::collections::HashMap::new();
    for i in 0..500u32 {
        map.insert(i, i.to_string());
    }
    total += map.len();
    v.shrink_to_fit();
    total
}

#[test]
fn measure_agrees_with_dhat_totals() {
    let _profiler = dhat::Profiler::builder().testing().build();
    // The profiler's own first-use work (finding out that its allocator is installed, its
    // thread-local scope stack), which dhat sees but is no part of the work: done beforehand.
    let _ = measure(|| ());
    let _ = measure_process(|| ());
    // dhat counts every thread, so we do too (`measure_process`), and the test harness's main
    // thread, which allocates for a moment after it starts this test's thread, is given that
    // moment: then nothing but `work` allocates between the two readings.
    std::thread::sleep(std::time::Duration::from_millis(100));
    let before = dhat::HeapStats::get();
    let (total, usage) = measure_process(work);
    let after = dhat::HeapStats::get();
    assert_eq!(total, 10_000 + 1000 + 1000 + 500);
    // dhat counts a reallocation as a new block of the new size: its total blocks are our
    // allocations plus reallocations, its total bytes our bytes allocated.
    assert_eq!(
        usage.allocations + usage.reallocations,
        after.total_blocks - before.total_blocks
    );
    assert_eq!(
        usage.bytes_allocated,
        after.total_bytes - before.total_bytes
    );
    assert_eq!(
        usage.net,
        after.curr_bytes as i64 - before.curr_bytes as i64
    );
    assert!(
        usage.reallocations > 10,
        "the vector grew by reallocation: {usage:?}"
    );
}
