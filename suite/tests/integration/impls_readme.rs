//! The README's example of `#[profile]` on an impl ("On an impl, a trait or a module"): its
//! reports are the ones the README prints, line for line.
#![allow(clippy::new_without_default)] // (the code stands at the lines the README shows)
use memory_profiler::profile;
// (Where the README has its two hidden lines: this binary's `#[global_allocator]` is main.rs's.)
use memory_profiler_suite::on_fresh_thread;

pub struct Inventory {
    items: Vec<u64>,
}

#[profile(unit = "B")]
impl Inventory {
    pub fn new() -> Self {
        let items = Vec::with_capacity(16);
        Inventory { items }
    }

    pub fn restock(&mut self, n: u64) {
        for i in 0..n {
            self.items.push(i);
        }
    }

    #[profile(peak)] // unit = "B" too, from the impl
    pub fn doubled(&self) -> Vec<u64> {
        self.items.iter().map(|x| 2 * x).collect()
    }

    #[profile(skip)]
    pub fn count(&self) -> usize {
        self.items.len()
    }

    pub const fn capacity() -> usize {
        // a `const fn` is left alone
        16
    }
}

pub trait Summarize {
    fn total(&self) -> u64;
}

#[profile]
impl Summarize for Inventory {
    fn total(&self) -> u64 {
        self.items.iter().sum()
    }
}

#[test]
fn the_readme_prints_these_reports() {
    let (_, reports) = on_fresh_thread(|| {
        memory_profiler::capture(|| {
            let mut inventory = Inventory::new();
            inventory.restock(20);
            (inventory.doubled(), inventory.count(), inventory.total())
        })
    });
    assert_eq!(Inventory::capacity(), 16);
    let printed: String = reports
        .iter()
        .filter(|r| r.function().starts_with("Inventory::"))
        .map(|r| r.to_string())
        .collect();
    let readme = include_str!("../../../README.md");
    let start = readme
        .find("Filename: suite/tests/integration/impls_readme.rs")
        .unwrap();
    let end = start + readme[start..].find("```").unwrap();
    assert_eq!(printed.trim_end(), readme[start..end].trim_end());
}
