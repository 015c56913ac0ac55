// Shadowed prelude names do not capture the desugared `for` loop (`IntoIterator`, `Iterator`,
// `Option`, `Some`, `None`) nor the probes.
#![deny(warnings, unused_qualifications, clippy::all)]

use memory_profiler::profile;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

#[allow(dead_code)]
trait IntoIterator {}
#[allow(dead_code)]
trait Iterator {}
#[allow(dead_code)]
struct Option;
#[allow(dead_code)]
struct Some;
#[allow(dead_code)]
struct None;

#[profile(stream = "stderr")]
fn count(items: &[u32]) -> u32 {
    let mut total = 0;
    for x in items {
        total += x;
    }
    total
}

fn main() {
    assert_eq!(count(&[1, 2, 3]), 6);
}
