#[memory_profiler::limit(peak = "1 MiB", peak = "2 MiB")]
fn work() -> usize {
    vec![0u8; 8].len()
}

fn main() {
    let _ = work();
}
