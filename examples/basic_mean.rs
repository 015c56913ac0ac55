//! The seed's first two reports: the mean of 10^N numbers held in a `Vec`, then streamed from
//! a range. `cargo run --release --example basic_mean -- 7`.

use memory_profiler::profile;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

#[profile(precision = 4)]
pub fn basic_mean(n: u32) -> f64 {
    let nbrs: Vec<u64> = (0..10u64.pow(n)).collect();
    let total: u64 = nbrs.iter().sum();
    total as f64 / nbrs.len() as f64
}

#[profile(precision = 4)]
pub fn basic_mean_with_range(n: u32) -> f64 {
    let nbrs = 0..10u64.pow(n);
    let total: u64 = nbrs.clone().sum();
    total as f64 / (nbrs.end - nbrs.start) as f64
}

fn main() {
    let n = std::env::args().nth(1).map_or(5, |a| {
        a.parse().expect("N: the exponent, as in 10^N numbers")
    });
    let a = basic_mean(n);
    let b = basic_mean_with_range(n);
    println!("mean of 10^{n} numbers: {a} (Vec), {b} (range)");
}
