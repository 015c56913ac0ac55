use memory_profiler::profile;

trait Container {
    #[profile]
    type Item;
}

impl Container for Vec<u8> {
    type Item = u8;
}

fn main() {
    let _: <Vec<u8> as Container>::Item = 0;
}
