//! The cost of a call: a small profiled function (one line, no allocation) called a million
//! times, reported run-wide (`report = "exit"`), against the same function unprofiled, in
//! interleaved rounds; the same function reported after each call (to /dev/null) for scale;
//! callgrind's instructions per call. Then `mprof run`'s case: a helper that allocates, called
//! a million times by a program whose `.dat` file is set (as `mprof run` sets it), against the
//! same program without it, and the `FUNC` lines it wrote.
//!
//! The profiled function's time includes its two probes (its line and its closing brace),
//! about a nanosecond each (see `benches/probes.rs`); the rest is the call's own bookkeeping.
//!
//! `cargo bench -p memory-profiler-suite --bench calls`.

use std::hint::black_box;
use std::time::{Duration, Instant};

mod common;
use common::{grouped, human_ns, say};

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

/// One line, no allocation: what is left is the call's bookkeeping and two probes.
#[memory_profiler::profile(report = "exit", stream = "/dev/null")]
#[inline(never)]
pub fn run_wide(x: u64) -> u64 {
    x.wrapping_mul(3) ^ 7
}

/// The same, reported after each call.
#[memory_profiler::profile(stream = "/dev/null")]
#[inline(never)]
pub fn per_call(x: u64) -> u64 {
    x.wrapping_mul(3) ^ 7
}

#[inline(never)]
pub fn plain(x: u64) -> u64 {
    x.wrapping_mul(3) ^ 7
}

/// A helper that allocates (a small `Vec` and a `String`): the `mprof run` workload.
#[memory_profiler::profile(report = "exit", stream = "/dev/null")]
#[inline(never)]
pub fn helper(i: u64) -> usize {
    let v: Vec<u64> = (i..i + 8).collect();
    let label = format!("{}", v.iter().sum::<u64>());
    label.len()
}

const CALLS: u64 = 1_000_000;
const ROUNDS: usize = 30;

fn calls(f: fn(u64) -> u64, n: u64) -> Duration {
    let start = Instant::now();
    let mut s = 0u64;
    for i in 0..n {
        s = s.wrapping_add(f(black_box(i)));
    }
    black_box(s);
    start.elapsed()
}

/// The `mprof` child: `CALLS` calls of `helper`, timed; prints the time in ns.
fn mprof_child() {
    let start = Instant::now();
    let mut total = 0;
    for i in 0..CALLS {
        total += helper(black_box(i));
    }
    black_box(total);
    println!("{}", start.elapsed().as_nanos());
}

/// The `mprof` child's time with `dat` set as `mprof run` sets it (or not).
fn mprof_run(dat: Option<&std::path::Path>) -> f64 {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.env("OVERHEAD_CALLS_CHILD", "mprof")
        .env_remove("MEMORY_PROFILER_REPORT")
        .env_remove("MEMORY_PROFILER_MPROF");
    if let Some(dat) = dat {
        cmd.env("MEMORY_PROFILER_MPROF", dat)
            .env("MEMORY_PROFILER_MPROF_INTERVAL", "0.1");
    }
    let out = cmd.output().expect("run the mprof child");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse::<f64>()
        .expect("the child's time")
        / 1e9
}

fn main() {
    match std::env::var("OVERHEAD_CALLS_CHILD").as_deref() {
        Ok("mprof") => return mprof_child(),
        Ok(which) => {
            // A callgrind child: `which:n` calls.
            let (which, n) = which.split_once(':').expect("which:n");
            let f = match which {
                "plain" => plain,
                _ => run_wide,
            };
            calls(f, n.parse().expect("n"));
            return;
        }
        Err(_) => {}
    }
    assert_eq!(plain(5), run_wide(5));
    let rounds = common::Interleaved::run(
        ROUNDS,
        &mut [
            &mut || calls(plain, CALLS),
            &mut || calls(run_wide, CALLS),
            &mut || calls(plain, CALLS),
        ],
    );
    let per = |i: usize| rounds.median(i) * 1e9 / CALLS as f64;
    let fastest = |i: usize| rounds.min(i) * 1e9 / CALLS as f64;
    say(format!(
        "calls: a one-line function, {} calls a round, {ROUNDS} interleaved rounds (medians): \
         plain {} a call, run-wide {} a call ({:+.1} ns), plain again {}; fastest rounds: plain \
         {}, run-wide {} ({:+.1} ns)",
        grouped(CALLS),
        human_ns(per(0)),
        human_ns(per(1)),
        per(1) - per(0),
        human_ns(per(2)),
        human_ns(fastest(0)),
        human_ns(fastest(1)),
        fastest(1) - fastest(0),
    ));
    let n = 10_000;
    let start = Instant::now();
    for i in 0..n {
        black_box(per_call(black_box(i)));
    }
    say(format!(
        "calls: the same function reported after each call (to /dev/null): {} a call",
        human_ns(start.elapsed().as_nanos() as f64 / n as f64)
    ));

    // mprof: a million calls of an allocating helper, with and without the .dat file.
    let dat = common::scratch_dir().join("calls-mprof.dat");
    let mut with = Vec::new();
    let mut without = Vec::new();
    let mut lines = 0;
    for _ in 0..5 {
        let _ = std::fs::remove_file(&dat);
        without.push(mprof_run(None));
        with.push(mprof_run(Some(&dat)));
        lines = std::fs::read_to_string(&dat)
            .map(|t| t.lines().filter(|l| l.starts_with("FUNC")).count())
            .unwrap_or(0);
    }
    with.sort_by(f64::total_cmp);
    without.sort_by(f64::total_cmp);
    say(format!(
        "calls, under mprof run (interval 0.1 s): {} calls of an allocating helper take {} \
         ({} a call) against {} without mprof: {:.2}x (medians of 5); {} FUNC lines written",
        grouped(CALLS),
        human_ns(with[2] * 1e9),
        human_ns(with[2] * 1e9 / CALLS as f64),
        human_ns(without[2] * 1e9),
        with[2] / without[2],
        lines
    ));

    if !common::callgrind_available() {
        say("calls: callgrind skipped (OVERHEAD_NO_CALLGRIND set, or no valgrind)");
        return;
    }
    // Instructions of 10^5 calls minus those of 10^4: start-up cancels out.
    let run = |which: &str, n: u64| {
        common::callgrind_instructions(
            &format!("calls-{which}-{n}"),
            &[("OVERHEAD_CALLS_CHILD", format!("{which}:{n}"))],
            &[],
        )
    };
    if let (Some(p5), Some(p4), Some(r5), Some(r4)) = (
        run("plain", 100_000),
        run("plain", 10_000),
        run("run_wide", 100_000),
        run("run_wide", 10_000),
    ) {
        let per_plain = (p5 - p4) as f64 / 90_000.0;
        let per_run = (r5 - r4) as f64 / 90_000.0;
        say(format!(
            "calls, callgrind: plain {per_plain:.1} instructions a call, run-wide {per_run:.1} \
             ({:+.1})",
            per_run - per_plain
        ));
    }
}
