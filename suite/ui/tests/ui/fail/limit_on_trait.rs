#[memory_profiler::limit(leaks = "0 B")]
trait Fill {
    fn fill(&self) -> Vec<u8> {
        vec![0; 64]
    }
}

impl Fill for () {}

fn main() {
    let _ = ().fill();
}
