use memory_profiler::profile;

#[profile]
const fn size() -> usize {
    64
}

fn main() {
    let _ = size();
}
