use memory_profiler::profile;

#[profile(verbose)]
fn fill() -> Vec<u8> {
    vec![0; 64]
}

fn main() {
    let _ = fill();
}
