use memory_profiler::profile;

trait Fill {
    #[profile]
    fn fill(&self) -> Vec<u8>;
}

impl Fill for () {
    fn fill(&self) -> Vec<u8> {
        vec![0; 64]
    }
}

fn main() {
    let _ = ().fill();
}
