#[memory_profiler::limit(peak = "1 MiB", max = 3)]
fn work() -> usize {
    vec![0u8; 8].len()
}

fn main() {
    let _ = work();
}
