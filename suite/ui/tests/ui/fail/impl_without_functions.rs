use memory_profiler::profile;

struct Buffer;

trait Sized8 {
    const SIZE: usize;
}

#[profile]
impl Sized8 for Buffer {
    const SIZE: usize = 8;
}

fn main() {
    let _ = Buffer::SIZE;
}
