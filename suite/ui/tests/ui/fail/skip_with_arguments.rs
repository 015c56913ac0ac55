use memory_profiler::profile;

struct Buffer;

#[profile]
impl Buffer {
    #[profile(skip, peak)]
    fn fill(&self) -> Vec<u8> {
        vec![0; 64]
    }
}

fn main() {
    let _ = Buffer.fill();
}
