use memory_profiler::profile;

#[profile(precision = 2, unit = "KiB", precision = 3)]
fn fill() -> Vec<u8> {
    vec![0; 64]
}

fn main() {
    let _ = fill();
}
