//! The seed's "stepping through generators": the mean of the even numbers below 10^N, first
//! collected into a `Vec` by `filter().collect()`, then summed while a `for` loop steps through
//! the filtered range, one number at a time. `cargo run --release --example even_mean -- 7`.

use memory_profiler::profile;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

#[profile(precision = 4)]
pub fn even_mean(n: u32) -> f64 {
    let nbrs: Vec<u64> = (0..10u64.pow(n)).filter(|n| n % 2 == 0).collect();
    let total: u64 = nbrs.iter().sum();
    total as f64 / nbrs.len() as f64
}

#[profile(precision = 4)]
pub fn even_mean_loop(n: u32) -> f64 {
    let nbrs = (0..10u64.pow(n)).filter(|n| n % 2 == 0);
    let mut total = 0;
    let mut count = 0;
    for n in nbrs {
        total += n;
        count += 1;
    }
    total as f64 / count as f64
}

fn main() {
    let n = std::env::args().nth(1).map_or(5, |a| {
        a.parse().expect("N: the exponent, as in 10^N numbers")
    });
    let a = even_mean(n);
    let b = even_mean_loop(n);
    println!("mean of the even numbers below 10^{n}: {a} (Vec), {b} (for loop)");
}
