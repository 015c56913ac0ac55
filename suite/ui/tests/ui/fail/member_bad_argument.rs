use memory_profiler::profile;

struct Buffer;

#[profile(unit = "KiB")]
impl Buffer {
    fn empty() -> Vec<u8> {
        Vec::new()
    }

    #[profile(unit = "MB")]
    fn fill(&self) -> Vec<u8> {
        vec![0; 64]
    }
}

fn main() {
    let _ = Buffer::empty();
    let _ = Buffer.fill();
}
