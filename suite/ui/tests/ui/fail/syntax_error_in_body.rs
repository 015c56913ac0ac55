use memory_profiler::profile;

#[profile]
fn broken() -> u32 {
    let x = ;
    x
}

fn main() {
    let _ = broken();
}
