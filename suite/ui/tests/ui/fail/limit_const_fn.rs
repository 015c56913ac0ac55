#[memory_profiler::limit(peak = "1 MiB")]
const fn work() -> usize {
    8
}

fn main() {
    let _ = work();
}
