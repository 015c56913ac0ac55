#[memory_profiler::limit(baseline, allocations = "+1 KiB")]
fn work() -> usize {
    vec![0u8; 8].len()
}

fn main() {
    let _ = work();
}
