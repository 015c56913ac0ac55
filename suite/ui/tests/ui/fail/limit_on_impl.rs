struct Buffer;

#[memory_profiler::limit(peak = "1 KiB")]
impl Buffer {
    fn fill(&self) -> Vec<u8> {
        vec![0; 64]
    }
}

fn main() {
    let _ = Buffer.fill();
}
