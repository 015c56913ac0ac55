use memory_profiler::profile;

#[profile]
mod sizes {
    pub const SIZE: usize = 8;

    macro_rules! made {
        () => {
            pub fn made() -> Vec<u8> {
                vec![0; 8]
            }
        };
    }
    made!();
}

fn main() {
    let _ = sizes::SIZE;
    let _ = sizes::made();
}
