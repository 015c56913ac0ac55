//! Run-wide reports (`report = "exit"`, `MEMORY_PROFILER_REPORT`): every call of a function,
//! on every thread, summed into one report written when the process exits, then the run's
//! summary. Reports are written at exit, so each case runs this test binary again as a child
//! process (its `child_*` tests do their work only there) and reads what it printed.

use std::collections::BTreeMap;
use std::sync::mpsc;

use memory_profiler::profile;
use serde::Deserialize;

use memory_profiler_suite::{is_child, run_child};

#[profile(report = "exit", unit = "B", allocs)]
fn helper(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

/// Reported per call by its attribute: `MEMORY_PROFILER_REPORT=exit` makes it run-wide.
#[profile(unit = "B")]
fn per_call(n: usize) -> usize {
    let v = vec![1u8; n];
    v.len()
}

/// The calls of the run: 1,000 on the main thread, 500 on each of two threads that end
/// before the exit, 100 on a thread still running (waiting) at the exit.
fn calls() {
    for _ in 0..1000 {
        assert_eq!(helper(10), 10);
    }
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..500 {
                    assert_eq!(helper(20), 20);
                }
            });
        }
    });
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for _ in 0..100 {
            assert_eq!(helper(30), 30);
        }
        done_tx.send(()).unwrap();
        // Waits for ever: the process exits with this thread still running.
        std::thread::park();
        loop {
            std::thread::park();
        }
    });
    done_rx.recv().unwrap();
    for n in [100, 300, 200] {
        assert_eq!(per_call(n), n);
    }
}

#[test]
fn child_run() {
    if is_child(module_path!(), "child_run") {
        calls();
        println!("child done");
    }
}

#[test]
fn child_exit() {
    if is_child(module_path!(), "child_exit") {
        calls();
        println!("child done");
        // Not the end of the test harness's `main`: the reports are still written.
        std::process::exit(0);
    }
}

/// The schema of a report as JSON (only the fields checked here).
#[derive(Debug, Deserialize)]
struct JsonReport {
    function: String,
    run_wide: bool,
    calls: u64,
    peak: i64,
    rows: Vec<JsonRow>,
}

#[derive(Debug, Deserialize)]
struct JsonRow {
    text: String,
    increment: i64,
    peak: i64,
    allocations: u64,
    reallocations: u64,
    bytes_allocated: u64,
    occurrences: u64,
}

#[derive(Debug, Deserialize)]
struct JsonSummary {
    summary: Summary,
}

#[derive(Debug, Deserialize)]
struct Summary {
    functions: Vec<SummaryFunction>,
    lines: Vec<SummaryLine>,
    lines_that_allocated: usize,
}

#[derive(Debug, Deserialize)]
struct SummaryFunction {
    function: String,
    calls: u64,
    bytes_allocated: u64,
    peak: i64,
    allocations: u64,
}

#[derive(Debug, Deserialize)]
struct SummaryLine {
    function: String,
    text: String,
    bytes_allocated: u64,
    occurrences: u64,
}

/// The JSON objects of the child's stdout: its reports by function, and the summary.
fn parse(stdout: &str) -> (BTreeMap<String, JsonReport>, Vec<Summary>) {
    let mut reports = BTreeMap::new();
    let mut summaries = Vec::new();
    // libtest may print `test child_run ... ` on the line of the first object.
    for line in stdout
        .lines()
        .filter_map(|l| l.find('{').map(|at| &l[at..]))
    {
        if line.starts_with("{\"function\"") {
            let report: JsonReport = serde_json::from_str(line).unwrap();
            assert!(
                reports.insert(report.function.clone(), report).is_none(),
                "one report per function: {stdout}"
            );
        } else if line.starts_with("{\"summary\"") {
            summaries.push(serde_json::from_str::<JsonSummary>(line).unwrap().summary);
        }
    }
    (reports, summaries)
}

fn row<'a>(report: &'a JsonReport, text: &str) -> &'a JsonRow {
    report.rows.iter().find(|r| r.text.contains(text)).unwrap()
}

/// Checks the figures of [`calls`]'s run, reported at exit as JSON.
fn check_run(stdout: &str) {
    let (reports, summaries) = parse(stdout);
    let helper = &reports["helper"];
    assert!(helper.run_wide);
    // Every call, on the four threads (two ended before the exit, one still running).
    assert_eq!(helper.calls, 2100, "{stdout}");
    let v = row(helper, "let v = vec![0u8; n];");
    assert_eq!(
        (v.increment, v.allocations, v.bytes_allocated, v.occurrences),
        (10 * 1000 + 20 * 1000 + 30 * 100, 2100, 33_000, 2100)
    );
    // The highest of any call.
    assert_eq!((v.peak, helper.peak), (30, 30));
    assert_eq!(v.reallocations, 0);
    let close = helper.rows.last().unwrap();
    assert_eq!((close.text.as_str(), close.increment), ("}", -33_000));
    assert_eq!(close.occurrences, 2100);
    // The variable made the per-call function run-wide too.
    let per_call = &reports["per_call"];
    assert_eq!(per_call.calls, 3);
    assert_eq!(row(per_call, "vec![1u8; n]").increment, 600);
    assert_eq!(per_call.peak, 300);
    // One summary, after the reports, ranking the functions by bytes allocated.
    assert_eq!(summaries.len(), 1, "{stdout}");
    let summary = &summaries[0];
    let functions: Vec<(&str, u64, u64, i64, u64)> = summary
        .functions
        .iter()
        .map(|f| {
            (
                f.function.as_str(),
                f.calls,
                f.bytes_allocated,
                f.peak,
                f.allocations,
            )
        })
        .collect();
    assert_eq!(
        functions,
        [
            ("helper", 2100, 33_000, 30, 2100),
            ("per_call", 3, 600, 300, 3)
        ]
    );
    let lines: Vec<(&str, &str, u64, u64)> = summary
        .lines
        .iter()
        .map(|l| {
            (
                l.function.as_str(),
                l.text.trim(),
                l.bytes_allocated,
                l.occurrences,
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("helper", "let v = vec![0u8; n];", 33_000, 2100),
            ("per_call", "let v = vec![1u8; n];", 600, 3),
        ]
    );
    assert_eq!(summary.lines_that_allocated, 2);
    let last = stdout.lines().rfind(|l| l.starts_with('{')).unwrap();
    assert!(last.starts_with("{\"summary\""), "the summary comes last");
}

#[test]
fn a_run_reports_each_function_once_at_exit() {
    let child = run_child(
        module_path!(),
        "child_run",
        &[
            ("MEMORY_PROFILER_REPORT", Some("exit")),
            ("MEMORY_PROFILER_FORMAT", Some("json")),
        ],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    // Written after the test harness finished.
    let done = child.stdout.find("child done").unwrap();
    let first = child.stdout.find("{\"function\"").unwrap();
    assert!(done < first, "{}", child.stdout);
    check_run(&child.stdout);
    assert!(
        !child.stderr.contains("memory_profiler"),
        "{}",
        child.stderr
    );
}

#[test]
fn std_process_exit_writes_them_too() {
    let child = run_child(
        module_path!(),
        "child_exit",
        &[
            ("MEMORY_PROFILER_REPORT", Some("exit")),
            ("MEMORY_PROFILER_FORMAT", Some("json")),
        ],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    check_run(&child.stdout);
}

#[test]
fn the_text_reports_say_how_many_calls_they_sum_and_end_with_the_summary() {
    let child = run_child(
        module_path!(),
        "child_run",
        &[("MEMORY_PROFILER_REPORT", Some("exit"))],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    let out = &child.stdout;
    assert_eq!(
        out.matches("Filename: suite/tests/integration/run_wide.rs")
            .count(),
        2,
        "{out}"
    );
    assert_eq!(
        out.matches("Function: helper, 2,100 calls over the whole run")
            .count(),
        1,
        "{out}"
    );
    assert!(out.contains("Function: per_call, 3 calls over the whole run"));
    // helper's `let` line: 33,000 B over 2,100 occurrences, 2,100 allocations, no
    // reallocations (its `allocs` option).
    let v = out
        .lines()
        .find(|l| l.ends_with("let v = vec![0u8; n];"))
        .unwrap();
    let figures: Vec<&str> = v.split_whitespace().collect();
    assert_eq!(&figures[3..8], ["33,000", "B", "2100", "2100", "0"], "{v}");
    let summary = out
        .find("Summary: 2 profiled functions, by bytes allocated")
        .unwrap();
    assert!(summary > out.rfind("Filename:").unwrap());
    let rest = &out[summary..];
    let lines: Vec<&str> = rest.lines().collect();
    assert_eq!(
        lines[2].split_whitespace().collect::<Vec<_>>(),
        [
            "Calls",
            "Allocated",
            "Peak",
            "Allocs",
            "Function",
            "Defined",
            "at"
        ]
    );
    let helper: Vec<&str> = lines[4].split_whitespace().collect();
    assert_eq!(
        helper[..7],
        ["2,100", "33,000", "B", "30", "B", "2,100", "helper"]
    );
    assert!(rest.contains("Lines that allocated most: 2 of 2"), "{rest}");
}

#[test]
fn call_overrides_the_attribute() {
    let child = run_child(
        module_path!(),
        "child_run",
        &[
            ("MEMORY_PROFILER_REPORT", Some("call")),
            ("MEMORY_PROFILER_FORMAT", Some("json")),
        ],
    );
    assert!(child.success);
    // A report per call: 2,100 of helper, 3 of per_call, and no summary.
    let reports = child.stdout.matches("{\"function\":\"helper\"").count();
    assert_eq!(reports, 2100);
    assert!(!child.stdout.contains("{\"summary\""));
}

#[test]
fn the_attribute_decides_without_the_variable_and_an_unknown_value_is_said_once() {
    for value in [None, Some("sometimes")] {
        let child = run_child(
            module_path!(),
            "child_run",
            &[
                ("MEMORY_PROFILER_REPORT", value),
                ("MEMORY_PROFILER_FORMAT", Some("json")),
            ],
        );
        assert!(child.success);
        let (reports, summaries) = parse(
            &child
                .stdout
                .lines()
                .filter(|l| !l.starts_with("{\"function\":\"per_call\""))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        // helper is run-wide by its attribute, per_call reports each call.
        assert_eq!(reports["helper"].calls, 2100);
        assert_eq!(
            child.stdout.matches("{\"function\":\"per_call\"").count(),
            3
        );
        assert_eq!(summaries[0].functions.len(), 1);
        let said = child
            .stderr
            .matches("memory_profiler: MEMORY_PROFILER_REPORT=\"sometimes\" is neither \"call\" nor \"exit\"")
            .count();
        assert_eq!(said, usize::from(value.is_some()), "{}", child.stderr);
    }
}

#[test]
fn child_capture() {
    if is_child(module_path!(), "child_capture") {
        assert_eq!(helper(1), 1);
        let (_, reports) = memory_profiler::capture(|| helper(2) + helper(3));
        // The calls inside the capture are its own.
        let captured = reports.function("helper").unwrap();
        assert_eq!(captured.calls(), 2);
        assert!(!captured.is_run_wide());
        let line = captured.line_containing("vec![0u8; n]").unwrap();
        assert_eq!(line.increment, 5);
        assert_eq!(helper(4), 4);
        println!("child done");
    }
}

#[test]
fn a_capture_takes_the_calls_made_inside_it_and_the_run_the_others() {
    let child = run_child(
        module_path!(),
        "child_capture",
        &[("MEMORY_PROFILER_FORMAT", Some("json"))],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    let (reports, _) = parse(&child.stdout);
    let helper = &reports["helper"];
    assert_eq!(helper.calls, 2);
    assert_eq!(row(helper, "vec![0u8; n]").increment, 1 + 4);
}

#[memory_profiler::limit(allocations = 1)]
fn limited() -> usize {
    helper(5) + helper(6)
}

#[test]
fn child_limit() {
    if is_child(module_path!(), "child_limit") {
        let failure = std::panic::catch_unwind(limited).unwrap_err();
        let message = failure.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("allocations: 2 is above its limit of 1"),
            "{message}"
        );
        assert!(message.contains("helper(5) + helper(6)"), "{message}");
        println!("child done");
    }
}

#[test]
fn limits_keep_working_when_the_run_is_reported_at_exit() {
    let child = run_child(
        module_path!(),
        "child_limit",
        &[
            ("MEMORY_PROFILER_REPORT", Some("exit")),
            ("MEMORY_PROFILER_FORMAT", Some("json")),
        ],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    let (reports, _) = parse(&child.stdout);
    // The limited body's report went to its limit; helper's calls to the run.
    assert_eq!(reports.keys().collect::<Vec<_>>(), ["helper"]);
    assert_eq!(reports["helper"].calls, 2);
}

/// Pending once (waking its task at once), then ready; allocates nothing (tokio's
/// `yield_now` allocates its runtime's list of deferred wakers).
struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            std::task::Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

#[profile(report = "exit", unit = "B")]
async fn awaited(n: usize) -> usize {
    let v = vec![0u8; n];
    YieldOnce(false).await;
    v.len()
}

#[test]
fn child_async() {
    if is_child(module_path!(), "child_async") {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        for n in 1..=10 {
            assert_eq!(runtime.block_on(awaited(n)), n);
        }
        println!("child done");
    }
}

#[test]
fn async_calls_are_summed_too() {
    let child = run_child(
        module_path!(),
        "child_async",
        &[("MEMORY_PROFILER_FORMAT", Some("json"))],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    let (reports, _) = parse(&child.stdout);
    let awaited = &reports["awaited"];
    assert_eq!(awaited.calls, 10);
    assert_eq!(row(awaited, "vec![0u8; n]").increment, 55);
    assert_eq!(awaited.peak, 10);
}
