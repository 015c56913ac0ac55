use memory_profiler::profile;

#[profile("stderr")]
fn fill() -> Vec<u8> {
    vec![0; 64]
}

fn main() {
    let _ = fill();
}
