#[memory_profiler::limit(peak = "1 MiB", threads = "every")]
fn work() -> usize {
    vec![0u8; 8].len()
}

fn main() {
    let _ = work();
}
