use memory_profiler::profile;

#[profile]
const SIZE: usize = 64;

fn main() {
    let _ = SIZE;
}
