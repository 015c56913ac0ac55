//! `MEMORY_PROFILER_FORMAT=json|text` sets the format of every report of a run, over the
//! attribute's `format`. The variable is read once per process, so each case runs this test
//! binary again as a child process (the `child` test, which does nothing on its own).

use memory_profiler::profile;
use memory_profiler_suite::{is_child, run_child};

#[profile]
fn text_by_default(n: usize) -> usize {
    let v = vec![1u8; n];
    v.len()
}

#[profile(format = "json", stream = "stdout")]
fn json_by_attribute(n: usize) -> usize {
    let v = vec![2u8; n];
    v.len()
}

#[test]
fn child() {
    if !is_child(module_path!(), "child") {
        return;
    }
    // On one thread, so the two reports come out in this order.
    assert_eq!(text_by_default(1000), 1000);
    assert_eq!(json_by_attribute(2000), 2000);
}

/// The child's stdout and stderr with `MEMORY_PROFILER_FORMAT` set to `format` (or unset).
fn run_with_format(format: Option<&str>) -> (String, String) {
    let child = run_child(
        module_path!(),
        "child",
        &[("MEMORY_PROFILER_FORMAT", format)],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    (child.stdout, child.stderr)
}

/// The JSON reports of the child's output, in order, as (function, increment of the `vec!`
/// line).
fn json_reports(stdout: &str) -> Vec<(String, i64)> {
    stdout
        .lines()
        // libtest may print `test child ... ` on the first report's line.
        .filter_map(|l| l.find("{\"function\"").map(|at| &l[at..]))
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let row = v["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["text"].as_str().unwrap().contains("vec!["))
                .unwrap();
            (
                v["function"].as_str().unwrap().to_owned(),
                row["increment"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn unset_each_function_keeps_its_format() {
    let (stdout, _) = run_with_format(None);
    assert_eq!(
        stdout
            .matches("Filename: suite/tests/integration/json_env.rs")
            .count(),
        1
    );
    assert!(
        stdout.contains("    10      0.0 MiB      0.0 MiB           1       let v = vec![1u8; n];")
    );
    assert_eq!(
        json_reports(&stdout),
        [("json_by_attribute".to_owned(), 2000)]
    );
}

#[test]
fn json_for_every_report() {
    let (stdout, _) = run_with_format(Some("json"));
    assert!(!stdout.contains("Filename:"), "{stdout}");
    assert_eq!(
        json_reports(&stdout),
        [
            ("text_by_default".to_owned(), 1000),
            ("json_by_attribute".to_owned(), 2000)
        ]
    );
}

#[test]
fn text_for_every_report() {
    let (stdout, _) = run_with_format(Some("TEXT"));
    assert_eq!(json_reports(&stdout), []);
    assert_eq!(
        stdout
            .matches("Filename: suite/tests/integration/json_env.rs")
            .count(),
        2
    );
}

#[test]
fn an_unknown_value_is_said_once_and_ignored() {
    let (stdout, stderr) = run_with_format(Some("yaml"));
    assert_eq!(
        stderr
            .matches(
                "memory_profiler: MEMORY_PROFILER_FORMAT=\"yaml\" is neither \"json\" nor \"text\""
            )
            .count(),
        1,
        "{stderr}"
    );
    assert_eq!(
        stdout
            .matches("Filename: suite/tests/integration/json_env.rs")
            .count(),
        1
    );
    assert_eq!(json_reports(&stdout).len(), 1);
}
