#![deny(dead_code)]

use memory_profiler::profile;

#[profile]
fn never_called() -> Vec<u8> {
    vec![0; 64]
}

fn main() {}
