// Methods with a body take the attribute: inherent ones, trait default methods, trait impls,
// generic ones. Each call reports once.
#![deny(warnings, unused_qualifications, clippy::all)]

use memory_profiler::profile;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

struct Buffer(Vec<u8>);

impl Buffer {
    #[profile(unit = "B")]
    fn grow(&mut self, n: usize) -> usize {
        self.0.extend(std::iter::repeat_n(0, n));
        self.0.len()
    }
}

trait Fill {
    fn len(&self) -> usize;

    #[profile(unit = "B")]
    fn filled(&self) -> Vec<u8> {
        vec![1; self.len()]
    }
}

impl Fill for Buffer {
    #[profile(unit = "B")]
    fn len(&self) -> usize {
        self.0.len()
    }
}

#[profile(unit = "B")]
fn twice<T: Clone>(x: &T) -> (T, T) {
    (x.clone(), x.clone())
}

fn main() {
    let mut b = Buffer(Vec::new());
    assert_eq!(b.grow(8), 8);
    assert_eq!(b.filled().len(), 8);
    assert_eq!(twice(&String::from("ab")).1, "ab");
}
