#[memory_profiler::limit(leaks = "0 B", warmups = "1")]
fn warmed() {}

fn main() {
    warmed();
}
