use memory_profiler::profile;

#[profile]
use std::collections::HashMap;

fn main() {
    let _ = HashMap::<u8, u8>::new();
}
