//! Line probes: the seed's even-mean loop (examples/even_mean.rs `even_mean_loop`, 10^7
//! numbers) profiled against the same function unprofiled: the time ratio and the time per
//! executed probe, from criterion's medians of this run, then callgrind's instructions per
//! probe (deterministic; `OVERHEAD_NO_CALLGRIND=1` skips them).
//!
//! Probes are counted from the profiled function's own report (the sum of its lines'
//! occurrences): the `for` header runs once per `next()` (5,000,001 times), each body line
//! and the body's closing brace once per iteration (5,000,000 times each), and the few lines
//! around them once.
//!
//! With `cargo bench -p memory-profiler-suite --no-default-features --bench probes` (the
//! profiler switched off), `#[profile]` leaves the function unchanged, and the ratio shows what
//! that costs (nothing).
//!
//! `cargo bench -p memory-profiler-suite --bench probes`.

use std::hint::black_box;
use std::time::{Duration, Instant};

mod common;
use common::{grouped, human_ns, say};

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

/// examples/even_mean.rs `even_mean_loop`, profiled; its reports are rendered and written to
/// /dev/null after each call.
#[memory_profiler::profile(precision = 4, stream = "/dev/null")]
#[inline(never)]
pub fn even_mean_loop_profiled(n: u32) -> f64 {
    let nbrs = (0..10u64.pow(n)).filter(|n| n % 2 == 0);
    let mut total = 0;
    let mut count = 0;
    for n in nbrs {
        total += n;
        count += 1;
    }
    total as f64 / count as f64
}

/// The same function, unprofiled.
#[inline(never)]
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

const N: u32 = 7;

/// Rounds of the interleaved measurement.
const ROUNDS: usize = 60;

/// The probes one call of the profiled function executes: its report's occurrences, except
/// the attribute row's (the call's entry, not a probe), plus the `for` header's first probe
/// (it resumes the header's row without counting an occurrence).
fn probes(n: u32) -> Option<u64> {
    if !cfg!(feature = "enabled") {
        return None;
    }
    let (_, reports) = memory_profiler::capture(|| even_mean_loop_profiled(n));
    let report = reports.function("even_mean_loop_profiled")?;
    let occurrences: u64 = report.rows().iter().skip(1).map(|r| r.occurrences).sum();
    Some(occurrences + 1)
}

fn bench(c: &mut criterion::Criterion) {
    let mut group = c.benchmark_group("probes");
    group.bench_function("plain", |b| b.iter(|| even_mean_loop(black_box(N))));
    group.bench_function("profiled", |b| {
        b.iter(|| even_mean_loop_profiled(black_box(N)))
    });
    // The baseline once more: the drift between two measurements of the same thing.
    group.bench_function("plain_again", |b| b.iter(|| even_mean_loop(black_box(N))));
    group.finish();
}

fn summary() {
    assert_eq!(even_mean_loop(N), even_mean_loop_profiled(N));
    let off = if !cfg!(feature = "enabled") {
        " (switched off, no default features: #[profile] leaves the function unchanged)"
    } else {
        ""
    };
    // Switched on, the count is exact; switched off there are no probes, and the count of the
    // profiled build (the header, two body lines and the body's `}`) stands for the lines the
    // function runs.
    let count = probes(N).unwrap_or(5_000_001 + 3 * 5_000_000 + 6);
    if let (Some(plain), Some(profiled)) = (
        common::median_ns("probes", "plain"),
        common::median_ns("probes", "profiled"),
    ) {
        let again = common::median_ns("probes", "plain_again").unwrap_or(plain);
        say(format!(
            "probes{off}, criterion medians: plain {} (again: {}, {:.3}x), profiled {} = {:.3}x \
             plain, {:+.3} ns per probe",
            human_ns(plain),
            human_ns(again),
            again / plain,
            human_ns(profiled),
            profiled / plain,
            (profiled - plain) / count as f64
        ));
    }
    // Interleaved rounds: one call of each per round, ratios per round.
    let timed = |f: fn(u32) -> f64| {
        move || {
            let start = Instant::now();
            black_box(f(black_box(N)));
            start.elapsed()
        }
    };
    let rounds = common::Interleaved::run(
        ROUNDS,
        &mut [
            &mut timed(even_mean_loop),
            &mut timed(even_mean_loop_profiled),
            &mut timed(even_mean_loop),
        ],
    );
    let (ratio, _, _) = rounds.ratio(1);
    let plain = rounds.median(0);
    say(format!(
        "probes{off}: even_mean_loop({N}), {} probes a call; {ROUNDS} interleaved rounds (median \
         ratio [quartiles]): plain {}, profiled {} = {} plain ({:+.3} ns per probe), plain again \
         {}; fastest rounds: plain {}, profiled {} = {:.3}x ({:+.3} ns per probe)",
        grouped(count),
        human_ns(plain * 1e9),
        human_ns(rounds.median(1) * 1e9),
        common::ratio_text(rounds.ratio(1)),
        (ratio - 1.0) * plain * 1e9 / count as f64,
        common::ratio_text(rounds.ratio(2)),
        human_ns(rounds.min(0) * 1e9),
        human_ns(rounds.min(1) * 1e9),
        rounds.min_ratio(1),
        (rounds.min(1) - rounds.min(0)) * 1e9 / count as f64,
    ));
    if !common::callgrind_available() {
        say("probes: callgrind skipped (OVERHEAD_NO_CALLGRIND set, or no valgrind)");
        return;
    }
    // Instructions of 10^6 numbers minus those of 10^5: start-up and the report cancel out.
    let run = |which: &str, n: u32| {
        common::callgrind_instructions(
            &format!("probes-{which}-{n}"),
            &[("OVERHEAD_PROBES", format!("{which}:{n}"))],
            &[],
        )
    };
    let (Some(p6), Some(p5), Some(u6), Some(u5)) = (
        run("profiled", 6),
        run("profiled", 5),
        run("plain", 6),
        run("plain", 5),
    ) else {
        return;
    };
    let probes_delta = match (probes(6), probes(5)) {
        (Some(a), Some(b)) => a - b,
        _ => 1_350_000,
    };
    let plain_delta = u6.saturating_sub(u5);
    let profiled_delta = p6.saturating_sub(p5);
    say(format!(
        "probes{off}, callgrind, 10^6 minus 10^5 numbers ({} probes): plain {} instructions, \
         profiled {} = {:.3}x, {:+.2} instructions per probe",
        grouped(probes_delta),
        grouped(plain_delta),
        grouped(profiled_delta),
        profiled_delta as f64 / plain_delta as f64,
        (profiled_delta as f64 - plain_delta as f64) / probes_delta as f64
    ));
}

fn main() {
    // A callgrind child: one call, then exit.
    if let Ok(spec) = std::env::var("OVERHEAD_PROBES") {
        let (which, n) = spec.split_once(':').expect("which:n");
        let n: u32 = n.parse().expect("n");
        let mean = match which {
            "plain" => even_mean_loop(black_box(n)),
            _ => even_mean_loop_profiled(black_box(n)),
        };
        black_box(mean);
        return;
    }
    common::process_start();
    let mut c = common::criterion(20, Duration::from_secs(4));
    bench(&mut c);
    c.final_summary();
    summary();
}
