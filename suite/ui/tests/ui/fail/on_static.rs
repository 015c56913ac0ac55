use memory_profiler::profile;

#[profile]
static NAME: &str = "buffer";

fn main() {
    let _ = NAME;
}
