use memory_profiler::profile;

#[profile]
mod store {
    pub fn shelf() -> Vec<u8> {
        vec![0; 8]
    }

    pub mod buffers;
}

fn main() {
    let _ = store::shelf();
}
