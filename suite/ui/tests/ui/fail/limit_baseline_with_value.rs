#[memory_profiler::limit(baseline = "+5%")]
fn work() -> usize {
    vec![0u8; 8].len()
}

fn main() {
    let _ = work();
}
