use memory_profiler::profile;

#[profile(report = "end")]
fn fill() -> Vec<u8> {
    vec![0; 64]
}

fn main() {
    let _ = fill();
}
