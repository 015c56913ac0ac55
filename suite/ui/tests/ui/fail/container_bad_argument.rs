use memory_profiler::profile;

#[profile(precision = "3")]
mod buffers {
    pub fn fill() -> Vec<u8> {
        vec![0; 64]
    }
}

fn main() {
    let _ = buffers::fill();
}
