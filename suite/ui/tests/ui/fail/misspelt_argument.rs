use memory_profiler::profile;

#[profile(precison = 3)]
fn fill() -> Vec<u8> {
    vec![0; 64]
}

fn main() {
    let _ = fill();
}
