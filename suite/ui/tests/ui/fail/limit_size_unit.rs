#[memory_profiler::limit(peak = "24 mb")]
fn work() -> usize {
    vec![0u8; 8].len()
}

fn main() {
    let _ = work();
}
