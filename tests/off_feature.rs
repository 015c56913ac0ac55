//! The `off` feature switches the profiler off: the example built with it prints its results
//! and no report. (Builds the example with `cargo` into a target directory of its own.)

use std::process::Command;

#[test]
fn the_off_feature_prints_no_report() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = concat!(env!("CARGO_MANIFEST_DIR"), "/target/off-feature");
    let output = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--features",
            "off",
            "--example",
            "basic_mean",
            "--",
            "4",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stdout, "mean of 10^4 numbers: 4999.5 (Vec), 4999.5 (range)\n",
        "{stderr}"
    );
}
