use memory_profiler::profile;

struct Buffer;

// A `const fn` inside the impl is left alone; one that carries the attribute itself is an error.
#[profile]
impl Buffer {
    const fn size() -> usize {
        64
    }

    #[profile(peak)]
    const fn half() -> usize {
        32
    }

    fn fill(&self) -> Vec<u8> {
        vec![0; Self::size() + Self::half()]
    }
}

fn main() {
    let _ = Buffer.fill();
}
