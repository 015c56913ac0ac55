//! The allocation-bound workload of the allocator bench: on each thread, 10^7 boxes of 48 bytes
//! allocated and freed one by one (the path glibc serves from its thread cache in about 20
//! instructions, where an allocator's own bookkeeping shows), then some `Vec` and `String`
//! growth (reallocations): a round of it per 10^4 boxes. Each binary of `src/bin/` installs one allocator and calls [`main`].

use std::hint::black_box;
use std::time::Instant;

/// One thread's work: `boxes` boxes, then growth.
pub fn work(boxes: usize) -> usize {
    let mut total = 0usize;
    for i in 0..boxes {
        let b = black_box(Box::new([i as u8; 48]));
        total = total.wrapping_add(b[0] as usize);
    }
    for round in 0..(boxes / 10_000) as u64 {
        let mut v: Vec<u64> = Vec::new();
        for i in 0..1_000u64 {
            v.push(i ^ round);
        }
        let mut s = String::new();
        for _ in 0..100 {
            s.push_str("growth ");
        }
        total = total.wrapping_add(black_box(v).len() + black_box(s).len());
    }
    total
}

/// Runs the workload on `threads` threads (first argument, default 1) with `boxes` boxes each
/// (second argument, default 10^7) and prints the nanoseconds it took: the threads' time on a
/// CPU, summed (from `/proc/thread-self/schedstat`: what a machine shared with other work
/// disturbs least), then the wall-clock time.
pub fn main() {
    main_with(|work| work());
}

/// [`main`], each thread's work run through `wrap` (a peer that counts only inside its own
/// scope gets one per thread).
pub fn main_with(wrap: fn(&mut dyn FnMut())) {
    let mut args = std::env::args().skip(1);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let boxes: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let start = Instant::now();
    let (total, cpu): (usize, u64) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut total = 0;
                    let before = cpu_nanos();
                    wrap(&mut || total = work(boxes));
                    (total, cpu_nanos().saturating_sub(before))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .fold((0usize, 0u64), |(t, c), (total, cpu)| {
                (t.wrapping_add(total), c + cpu)
            })
    });
    let wall = start.elapsed().as_nanos();
    black_box(total);
    println!("{cpu} {wall}");
}

/// The calling thread's time on a CPU so far, in nanoseconds (0 where Linux's schedstat is not
/// there).
fn cpu_nanos() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
