#[memory_profiler::limit(leaks = "lots")]
fn work() -> usize {
    vec![0u8; 8].len()
}

fn main() {
    let _ = work();
}
