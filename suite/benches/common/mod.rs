//! What the overhead benches share: where their files go, criterion's medians read back from
//! the same run, ratios printed against a baseline, and callgrind instruction counts.
//!
//! Each bench binary is `harness = false`: its `main` runs criterion, then prints its summary
//! (`overhead: ...` lines). Run as `cargo bench -p memory-profiler-suite`; see BENCHMARKS.md.

#![allow(dead_code)] // each bench uses part of it

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use criterion::Criterion;

/// The workspace's folder, above this package's (`suite/`).
pub fn workspace_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace above the package")
}

/// Cargo's target directory (`CARGO_TARGET_DIR`, else `target/` of the workspace).
pub fn target_dir() -> PathBuf {
    let root = workspace_dir();
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// Where the benches write their scratch files and callgrind outputs.
pub fn scratch_dir() -> PathBuf {
    let dir = target_dir().join("overhead");
    std::fs::create_dir_all(&dir).expect("create target/overhead");
    dir
}

/// Criterion, writing where `median_ns` reads, with the command line's options applied.
pub fn criterion(sample_size: usize, measurement: Duration) -> Criterion {
    Criterion::default()
        .output_directory(&target_dir().join("criterion"))
        .sample_size(sample_size)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(measurement)
        .without_plots()
        .configure_from_args()
}

/// When this process started: estimates older than that are from another run.
pub fn process_start() -> SystemTime {
    use std::sync::OnceLock;
    static START: OnceLock<SystemTime> = OnceLock::new();
    *START.get_or_init(SystemTime::now)
}

/// Criterion's median estimate (ns per iteration) of `group/id`, if it was measured by this
/// process (a filter on the command line can skip it; then older files do not count).
pub fn median_ns(group: &str, id: &str) -> Option<f64> {
    let path = target_dir()
        .join("criterion")
        .join(group)
        .join(id)
        .join("new")
        .join("estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < process_start() {
        return None;
    }
    let json = std::fs::read_to_string(&path).ok()?;
    // {"mean":{..},"median":{"confidence_interval":{..},"point_estimate":X,..},..}
    let median = &json[json.find("\"median\"")?..];
    let value = &median[median.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

/// A duration in ns, µs or ms, three significant figures.
pub fn human_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.3} ns")
    } else if ns < 1e6 {
        format!("{:.3} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.3} ms", ns / 1e6)
    } else {
        format!("{:.3} s", ns / 1e9)
    }
}

/// An integer with thousands separators.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A signed integer with thousands separators.
pub fn grouped_i(n: i64) -> String {
    if n < 0 {
        format!("-{}", grouped(n.unsigned_abs()))
    } else {
        grouped(n as u64)
    }
}

/// Whether callgrind runs are wanted and possible (`OVERHEAD_NO_CALLGRIND` skips them).
pub fn callgrind_available() -> bool {
    std::env::var_os("OVERHEAD_NO_CALLGRIND").is_none()
        && Command::new("valgrind")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
}

/// Runs this bench binary again under `valgrind --tool=callgrind` with `env` set (the child's
/// `main` sees it and runs one workload instead of criterion), and returns the instructions
/// it executed (callgrind's `summary:`), or `None` if valgrind failed.
pub fn callgrind_instructions(name: &str, env: &[(&str, String)], extra: &[&str]) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let out = scratch_dir().join(format!("callgrind.{name}.out"));
    let mut cmd = Command::new("valgrind");
    cmd.arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .args(extra)
        .arg(&exe);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().ok()?;
    if !output.status.success() {
        eprintln!(
            "overhead: callgrind run {name} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        return None;
    }
    let text = std::fs::read_to_string(&out).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("summary:"))
        .or_else(|| text.lines().find_map(|line| line.strip_prefix("totals:")))
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
}

/// The process's resident set size in bytes (`/proc/self/statm`, as memory_profiler reads it).
pub fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// A summary line, prefixed so that it is easy to find in criterion's output.
pub fn say(line: impl AsRef<str>) {
    println!("overhead: {}", line.as_ref());
}

/// Ratios against a baseline from interleaved rounds: each round times every run once (the
/// baseline is `runs[0]`), starting with a different one each round, so that whatever else the
/// machine does slows both sides of a ratio alike. The first round is a warm-up.
pub struct Interleaved {
    /// `times[i][r]`: run `i`'s time in round `r`, in seconds.
    pub times: Vec<Vec<f64>>,
}

impl Interleaved {
    pub fn run(rounds: usize, runs: &mut [&mut dyn FnMut() -> Duration]) -> Interleaved {
        let mut times = vec![Vec::with_capacity(rounds); runs.len()];
        for round in 0..=rounds {
            for k in 0..runs.len() {
                let i = (round + k) % runs.len();
                let t = runs[i]().as_secs_f64();
                if round > 0 {
                    times[i].push(t);
                }
            }
        }
        Interleaved { times }
    }

    /// Run `i` against the baseline: the median of the per-round ratios, and their first and
    /// third quartiles.
    pub fn ratio(&self, i: usize) -> (f64, f64, f64) {
        let mut r: Vec<f64> = self.times[i]
            .iter()
            .zip(&self.times[0])
            .map(|(t, base)| t / base)
            .collect();
        r.sort_by(f64::total_cmp);
        (r[r.len() / 2], r[r.len() / 4], r[r.len() * 3 / 4])
    }

    /// Run `i`'s fastest round against the baseline's fastest: on a machine shared with other
    /// work, the rounds nothing disturbed.
    pub fn min_ratio(&self, i: usize) -> f64 {
        self.min(i) / self.min(0)
    }

    /// Run `i`'s fastest round, in seconds.
    pub fn min(&self, i: usize) -> f64 {
        self.times[i].iter().copied().fold(f64::INFINITY, f64::min)
    }

    /// Run `i`'s median time, in seconds.
    pub fn median(&self, i: usize) -> f64 {
        let mut t = self.times[i].clone();
        t.sort_by(f64::total_cmp);
        t[t.len() / 2]
    }
}

/// `1.023x [1.010, 1.041]`: a median ratio and its quartiles.
pub fn ratio_text((median, q1, q3): (f64, f64, f64)) -> String {
    format!("{median:.3}x [{q1:.3}, {q3:.3}]")
}
