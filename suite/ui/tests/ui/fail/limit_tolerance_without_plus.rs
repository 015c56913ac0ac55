#[memory_profiler::limit(baseline, bytes = "5%")]
fn work() -> usize {
    vec![0u8; 8].len()
}

fn main() {
    let _ = work();
}
