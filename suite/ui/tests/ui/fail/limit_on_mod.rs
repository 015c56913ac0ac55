#[memory_profiler::limit(peak = "1 KiB")]
mod buffers {
    pub fn fill() -> Vec<u8> {
        vec![0; 64]
    }
}

fn main() {
    let _ = buffers::fill();
}
