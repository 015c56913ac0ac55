//! The counting allocator against `System` and its peers, each the `#[global_allocator]` of its
//! own binary (`src/bin/`), on the workload of `src/lib.rs`: 10^7 boxes of 48 bytes per thread,
//! then `Vec` and `String` growth. No dispatcher stands between a program and its allocator, so
//! the ~20-instruction path of glibc's thread cache is what every allocator's bookkeeping is
//! compared with.
//!
//! `cargo bench -p bench-allocators` runs every binary 7 times on 1 and on 2 threads,
//! interleaved (a round runs each binary once, in turn), and prints each allocator's median
//! time and its ratio to `System`'s median of the same run: these machines are shared, so only
//! ratios within one run mean anything. The time is the workload threads' time on a CPU
//! (Linux's schedstat; wall-clock time elsewhere), which other work on the machine disturbs
//! less than the wall clock. `BENCH_ROUNDS=N` changes the number of rounds.

use std::process::Command;

const SYSTEM: &str = env!("CARGO_BIN_EXE_system");

/// The allocators and the boxes per thread they run: dhat records a backtrace per allocation
/// (about 200 times System's time), so it runs a hundredth of the work, beside System's time
/// for that same hundredth.
const ALLOCATORS: [(&str, &str, usize); 6] = [
    ("System", SYSTEM, 10_000_000),
    (
        "memory_profiler::Allocator",
        env!("CARGO_BIN_EXE_memory_profiler"),
        10_000_000,
    ),
    (
        "allocation-counter 0.8",
        env!("CARGO_BIN_EXE_allocation_counter"),
        10_000_000,
    ),
    ("cap 0.1", env!("CARGO_BIN_EXE_cap"), 10_000_000),
    (
        "stats_alloc 0.1",
        env!("CARGO_BIN_EXE_stats_alloc"),
        10_000_000,
    ),
    ("dhat 0.3 (10^5 boxes)", env!("CARGO_BIN_EXE_dhat"), 100_000),
];

fn run(binary: &str, threads: usize, boxes: usize) -> f64 {
    let out = Command::new(binary)
        .arg(threads.to_string())
        .arg(boxes.to_string())
        .output()
        .unwrap_or_else(|e| panic!("{binary}: {e}"));
    assert!(out.status.success(), "{binary} failed: {out:?}");
    // The threads' CPU time, or the wall-clock time where there is none.
    let text = String::from_utf8_lossy(&out.stdout);
    let times: Vec<f64> = text
        .split_whitespace()
        .map(|t| {
            t.parse()
                .unwrap_or_else(|e| panic!("{binary} printed {text:?}: {e}"))
        })
        .collect();
    let nanos = if times[0] > 0.0 { times[0] } else { times[1] };
    nanos / 1e9
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test` runs benches as tests with no argument:
    // then one quick round proves the binaries run.
    let benching = std::env::args().any(|a| a == "--bench");
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(if benching { 7 } else { 1 });
    for threads in [1, 2] {
        let mut times = vec![Vec::new(); ALLOCATORS.len()];
        let mut small_system = Vec::new();
        for _ in 0..rounds {
            for (i, (_, binary, boxes)) in ALLOCATORS.iter().enumerate() {
                times[i].push(run(binary, threads, *boxes));
            }
            small_system.push(run(SYSTEM, threads, 100_000));
        }
        let medians: Vec<f64> = times.into_iter().map(median).collect();
        let small_system = median(small_system);
        println!(
            "allocators, {threads} thread(s), 10^7 boxes of 48 B + growth per thread, median of {rounds}:"
        );
        for ((name, _, boxes), m) in ALLOCATORS.iter().zip(&medians) {
            let baseline = if *boxes == 100_000 {
                small_system
            } else {
                medians[0]
            };
            println!("  {name:<28} {m:>8.3} s CPU  {:>6.2}x System", m / baseline);
        }
    }
}
