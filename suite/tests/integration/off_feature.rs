//! Switching the profiler off: memory-profiler without its default feature `enabled`. The
//! example built that way prints its results and no report; built with `--all-features`, it
//! still profiles (features only switch things on); and a `#[limit]` test switched off fails,
//! saying that it cannot measure: the fixture crate `tests/fixtures/switched_off`, which
//! depends on memory-profiler without the feature, as users' crates switch it off. (The example
//! builds with `cargo` into a target directory of its own, `off-feature/` in the workspace's;
//! the fixture with the other fixtures, see `fixtures.rs`.)

use std::path::Path;
use std::process::{Command, Output};

/// `cargo <args>` in this package, into the target directory's off-feature/ (beside
/// `CARGO_TARGET_TMPDIR`).
fn cargo(args: &[&str], env: &[(&str, &str)]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is in the target directory")
        .join("off-feature");
    Command::new(cargo)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CARGO_TARGET_DIR", target)
        .envs(env.iter().copied())
        .output()
        .expect("cargo runs")
}

#[test]
fn switched_off_all_features_and_limits() {
    // `-p`: the workspace's default members include mprof, whose dev-dependency on
    // memory-profiler (default features) would switch measuring on for the whole build.
    let example = [
        "run",
        "--quiet",
        "-p",
        "memory-profiler",
        "--example",
        "basic_mean",
    ];

    let output = cargo(
        &[&example[..], &["--no-default-features", "--", "4"]].concat(),
        &[],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stdout, "mean of 10^4 numbers: 4999.5 (Vec), 4999.5 (range)\n",
        "{stderr}"
    );

    // Every feature on: measuring stays on.
    let output = cargo(
        &[&example[..], &["--all-features", "--", "4"]].concat(),
        &[],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("Filename: examples/basic_mean.rs")
            && stdout.contains(
                "   0.0763 MiB           1       let nbrs: Vec<u64> = (0..10u64.pow(n)).collect();"
            ),
        "{stdout}{stderr}"
    );

    // A limit test that passes when measured fails switched off, and says why.
    let output = super::fixtures::cargo_output(&["test", "--quiet", "-p", "fixture-switched-off"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains(
            "memory_profiler: `within_its_limit_when_measured` has memory limits, but the \
             profiler is switched off"
        ),
        "{text}"
    );
}
