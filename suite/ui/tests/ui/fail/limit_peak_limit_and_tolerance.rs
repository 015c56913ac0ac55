#[memory_profiler::limit(baseline, peak = "1 MiB", peak = "+5%")]
fn work() -> usize {
    vec![0u8; 8].len()
}

fn main() {
    let _ = work();
}
