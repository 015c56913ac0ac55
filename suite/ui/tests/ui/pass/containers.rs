// `#[profile]` on impls (inherent, trait, generic, with where clauses and lifetimes), a trait
// and nested modules, with overrides and skips, under strict lints: the expansion adds no
// warning, and every function still compiles as written.
#![deny(warnings, unused_qualifications, clippy::all)]

use memory_profiler::profile as p;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

struct Buffer(Vec<u8>);

#[p(unit = "B")]
impl Buffer {
    const CAP: usize = 8;

    fn grow(&mut self, n: usize) -> usize {
        self.0.extend(std::iter::repeat_n(0, n));
        self.0.len()
    }

    #[p(skip)]
    fn cap() -> usize {
        Self::CAP
    }

    #[p(peak)]
    fn copy(&self) -> Self {
        Self(self.0.clone())
    }
}

#[p]
trait Fill {
    type Item;

    fn count(&self) -> usize;

    fn filled(&self) -> Vec<u8> {
        vec![1; self.count()]
    }
}

#[p]
impl Fill for Buffer {
    type Item = u8;

    fn count(&self) -> usize {
        self.0.len()
    }
}

struct Parser<'a, T> {
    text: &'a str,
    seen: Vec<T>,
}

#[p]
impl<'a, T> Parser<'a, T>
where
    T: From<&'a str>,
{
    fn next_word(&mut self) -> Option<&'a str> {
        let word = self.text.split(' ').next()?;
        self.text = &self.text[word.len()..].trim_start();
        self.seen.push(T::from(word));
        Some(word)
    }
}

#[p(allocs)]
mod outer {
    pub fn one() -> Vec<u8> {
        vec![1]
    }

    pub mod inner {
        pub struct Cell(pub u8);

        impl Cell {
            pub fn boxed(&self) -> Box<u8> {
                Box::new(self.0)
            }
        }
    }
}

fn main() {
    let mut b = Buffer(Vec::new());
    assert_eq!(b.grow(Buffer::cap()), 8);
    assert_eq!(b.copy().filled().len(), 8);
    let mut p: Parser<'_, String> = Parser {
        text: "ab cd",
        seen: Vec::new(),
    };
    assert_eq!(p.next_word(), Some("ab"));
    assert_eq!(p.seen.len(), 1);
    assert_eq!(outer::one(), [1]);
    assert_eq!(*outer::inner::Cell(3).boxed(), 3);
}
