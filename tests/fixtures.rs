//! The fixture crates of `tests/fixtures/` (a workspace of their own), built and run with
//! `cargo` into `target/fixtures`: crates of the kinds and editions the profiler must not
//! break, each with its own tests asserting the figures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn manifest() -> PathBuf {
    let fixtures = root().join("tests/fixtures");
    // The versions the workspace itself is tested with (cargo drops what the fixtures do not
    // use), so that nothing new is fetched.
    let lock = fixtures.join("Cargo.lock");
    if !lock.exists() {
        let _ = std::fs::copy(root().join("Cargo.lock"), &lock);
    }
    fixtures.join("Cargo.toml")
}

/// `cargo <args>` on the fixtures' workspace; panics with its output if it fails.
fn cargo(args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let (command, rest) = args.split_first().expect("a cargo command");
    let output = Command::new(cargo)
        .arg(command)
        .arg("--manifest-path")
        .arg(manifest())
        .args(rest)
        .env("CARGO_TARGET_DIR", root().join("target/fixtures"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
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
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
}
