#[memory_profiler::limit(leaks = "0 B", warmups = 1)]
fn sized(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

fn main() {
    let _ = sized(3);
}
