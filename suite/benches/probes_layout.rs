//! The even-mean loop of `benches/probes.rs` again, in a program of its own: profiled and plain
//! timed alternately, 30 calls each, and the median and smallest of the ratios printed. The
//! same probe code, laid out differently by the compiler, runs at a different speed than in the
//! criterion bench (see BENCHMARKS.md, "Line probes").
//! `cargo bench -p memory-profiler-suite --bench probes_layout`.

use std::time::Instant;
#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

#[memory_profiler::profile(stream = "/dev/null")]
fn loop_profiled(n: u32) -> f64 {
    let nbrs = (0..10u64.pow(n)).filter(|n| n % 2 == 0);
    let mut total = 0;
    let mut count = 0;
    for n in nbrs {
        total += n;
        count += 1;
    }
    total as f64 / count as f64
}
fn loop_plain(n: u32) -> f64 {
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
    let mut ratios = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        std::hint::black_box(loop_plain(std::hint::black_box(7)));
        let p = t.elapsed();
        let t = Instant::now();
        std::hint::black_box(loop_profiled(std::hint::black_box(7)));
        let q = t.elapsed();
        ratios.push(q.as_secs_f64() / p.as_secs_f64());
    }
    ratios.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "overhead: probes_layout: profiled / plain, median of 30 calls {:.2}x, smallest {:.2}x",
        ratios[15], ratios[0]
    );
}
