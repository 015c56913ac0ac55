//! The fixture crates of `tests/fixtures/` (a workspace of their own), built and run with
//! `cargo` into `fixtures/` of the target directory: crates of the kinds and editions the
//! profiler must not break, each with its own tests asserting the figures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// This package's folder (`suite/`).
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fixtures' target directory: `fixtures/` in the workspace's (beside `CARGO_TARGET_TMPDIR`).
fn target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is in the target directory")
        .join("fixtures")
}

fn manifest() -> PathBuf {
    let fixtures = root().join("tests/fixtures");
    // The versions the workspace itself is tested with (cargo drops what the fixtures do not
    // use), so that nothing new is fetched.
    let lock = fixtures.join("Cargo.lock");
    if !lock.exists() {
        let workspace = root().parent().expect("the workspace above the package");
        let _ = std::fs::copy(workspace.join("Cargo.lock"), &lock);
    }
    fixtures.join("Cargo.toml")
}

/// `cargo <args>` on the fixtures' workspace; panics with its output if it fails.
fn cargo(args: &[&str]) -> Output {
    let output = cargo_output(args);
    assert!(
        output.status.success(),
        "cargo {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `cargo <args>` on the fixtures' workspace (also `off_feature.rs`'s, for its fixture).
pub(crate) fn cargo_output(args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let (command, rest) = args.split_first().expect("a cargo command");
    Command::new(cargo)
        .arg(command)
        .arg("--manifest-path")
        .arg(manifest())
        .args(rest)
        .env("CARGO_TARGET_DIR", target())
        .output()
        .expect("cargo runs")
}

/// `vec![1i32] == Vec::new()` beside a profiled function: no dependency of the profiler adds
/// impls that make it ambiguous (serde_json's did).
#[test]
fn depending_on_the_profiler_changes_no_type_inference() {
    cargo(&["test", "-p", "fixture-inference"]);
}

/// A `#![no_std]` library (with `#![forbid(unsafe_code)]` and `#![deny(warnings)]`), tested
/// from std binaries: the expansion names nothing outside the profiler and `core`.
#[test]
fn a_no_std_library_builds_and_measures() {
    cargo(&["test", "-p", "fixture-nostd"]);
}

/// The fixtures, their profiled functions included, pass clippy with every warning denied (as
/// `cargo clippy -- -D warnings` in users' CI): the expansion adds no lint of its own.
#[test]
fn the_fixtures_pass_clippy_with_warnings_denied() {
    cargo(&[
        "clippy",
        "--workspace",
        // Whose test build is meant to fail.
        "--exclude",
        "fixture-order-errors",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
}

/// Runs a binary of the fixtures, killing it if it has not ended after 30 seconds: its stdout,
/// or the reason it failed.
fn run_fixture(binary: &str) -> Result<String, String> {
    let program = target().join("debug").join(binary);
    let mut child = Command::new(&program)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    let start = Instant::now();
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{binary} still ran after 30 s: killed"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "{binary} failed ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// A program whose own global allocator has profiled methods and a profiled helper: they run
/// inside allocations, from before `main` on, and pass through; the program's other profiled
/// functions report. (It hung before `main`: the first probe set up the resident-set reader,
/// which allocated, which entered the profiled allocator, which waited on that set-up.)
#[test]
fn profiled_methods_of_the_programs_own_allocator_pass_through() {
    cargo(&["build", "-p", "fixture-own-alloc", "--bins"]);
    let out = run_fixture("fixture-own-alloc").unwrap();
    assert!(out.contains("work: 1048576\n"), "{out}");
    assert!(
        out.contains("allocator calls: true, largest bucket: 1048576\n"),
        "{out}"
    );
    // The reports of `work` and `main`, on the resident set size; none of the allocator's.
    assert_eq!(out.matches("Filename:").count(), 2, "{out}");
    assert!(out.contains("fn work(n: usize) -> usize {"), "{out}");
    assert!(out.contains("fn main() {"), "{out}");
    assert!(!out.contains("fn bucket("), "{out}");
    assert!(!out.contains("fn alloc("), "{out}");
}

/// A profiled helper of a global allocator records the program's allocation; the allocations
/// of its own report re-enter it and pass through (it recursed until the stack overflowed).
#[test]
fn a_profiled_function_reentered_from_the_profilers_work_passes_through() {
    cargo(&["build", "-p", "fixture-own-alloc", "--bins"]);
    let out = run_fixture("helper_only").unwrap();
    assert!(out.contains("sum: 28672\n"), "{out}");
    // The one audited allocation of the program, and the report's own, which were audited too.
    let audited: usize = out
        .lines()
        .find_map(|l| l.strip_prefix("audited: "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(audited >= 2, "{out}");
    // One report: of the program's allocation only.
    assert_eq!(
        out.matches("fn audit(size: usize) -> usize {").count(),
        1,
        "{out}"
    );
}

/// memory-profiler's allocator over an inner allocator with profiled methods: those pass
/// through, and the program's figures are exact.
#[test]
fn profiled_methods_of_an_inner_allocator_pass_through() {
    cargo(&["build", "-p", "fixture-own-alloc", "--bins"]);
    let out = run_fixture("wrapped").unwrap();
    assert_eq!(out, "work: 3000, vec row: 3000 B in 1\nreports: 1\n");
}

/// `#[profile]` under `#[rstest]`, `#[limit]` under `#[test_case]`: compile errors naming the
/// order to write, on the attribute (they gave figures of the generated test functions).
#[test]
fn the_orders_that_cannot_work_are_compile_errors_naming_the_right_one() {
    let output = cargo_output(&["test", "-p", "fixture-order-errors", "--no-run"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    let rstest = "error: `#[profile]` is on a function that `#[rstest]` made from yours, not on \
                  yours, so it would measure that function instead: write `#[profile]` above \
                  `#[rstest]`";
    let test_case = "error: `#[limit]` is on a function that `#[test_case]` made from yours, not \
                     on yours, so it would measure that function instead: write `#[limit]` \
                     above `#[test_case]`";
    assert_eq!(stderr.matches(rstest).count(), 1, "{stderr}");
    assert_eq!(stderr.matches(test_case).count(), 1, "{stderr}");
    assert!(
        stderr.contains("#[memory_profiler::profile]\n   |     ^^^"),
        "{stderr}"
    );
    // One per test function the macros made (rustc shows rstest's two cases' once), and
    // nothing else.
    assert!(stderr.contains("due to 3 previous errors"), "{stderr}");
}
