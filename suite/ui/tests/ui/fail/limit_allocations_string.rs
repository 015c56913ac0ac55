#[memory_profiler::limit(allocations = "100")]
fn work() -> usize {
    vec![0u8; 8].len()
}

fn main() {
    let _ = work();
}
