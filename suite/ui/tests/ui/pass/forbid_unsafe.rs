// The expansion contains no `unsafe`: a crate that forbids it can still profile.
#![forbid(unsafe_code)]

use memory_profiler::profile;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

#[profile(precision = 2, unit = "KiB", threads = "all", peak, allocs = true)]
fn fill(n: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 0..n {
        v.push(i as u8);
    }
    v
}

fn main() {
    assert_eq!(fill(100).len(), 100);
}
