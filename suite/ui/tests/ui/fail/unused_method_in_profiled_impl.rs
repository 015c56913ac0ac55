// Lints still see the user's methods through the attribute on their impl.
#![deny(dead_code)]

use memory_profiler::profile;

pub struct Buffer;

#[profile]
impl Buffer {
    pub fn used(&self) -> usize {
        1
    }

    fn never_called(&self) -> Vec<u8> {
        vec![0; 64]
    }
}

fn main() {
    let _ = Buffer.used();
}
