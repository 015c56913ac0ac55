//! JSON reports: `Report::to_json` and `#[profile(format = "json")]`, parsed back with
//! serde_json into the documented schema (unknown or missing fields fail), with exact figures.
//! The run-wide override `MEMORY_PROFILER_FORMAT` is in `json_env.rs`.

use memory_profiler::{capture, profile};
use memory_profiler_suite::on_fresh_thread;
use serde::Deserialize;

/// The schema of the README's "JSON reports", field for field.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct JsonReport {
    function: String,
    module_path: String,
    file: String,
    measured: String,
    panicked: bool,
    cancelled: bool,
    run_wide: bool,
    calls: u64,
    peak: i64,
    rows: Vec<JsonRow>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct JsonRow {
    line: u32,
    text: String,
    mem_usage: i64,
    increment: i64,
    peak: i64,
    allocations: u64,
    reallocations: u64,
    bytes_allocated: u64,
    occurrences: u64,
    ran: bool,
}

impl JsonRow {
    /// (line, mem_usage, increment, peak, allocations, occurrences, ran)
    fn figures(&self) -> (u32, i64, i64, i64, u64, u64, bool) {
        (
            self.line,
            self.mem_usage,
            self.increment,
            self.peak,
            self.allocations,
            self.occurrences,
            self.ran,
        )
    }
}

/// The attribute's line.
const TEMPORARIES: u32 = line!() + 1;
#[profile(unit = "KiB", precision = 3)]
fn temporaries(n: usize) -> usize {
    let kept = vec![1u8; 1000];
    let mut total = 0;
    for _ in 0..n {
        total += vec![2u8; 4000].len();
    }
    kept.len() + total
}

#[test]
fn to_json_has_every_field_in_bytes() {
    let (value, reports) = on_fresh_thread(|| capture(|| temporaries(3)));
    assert_eq!(value, 13_000);
    let json = reports.function("temporaries").unwrap().to_json();
    assert!(!json.contains('\n'), "one line: {json}");
    let report: JsonReport = serde_json::from_str(&json).unwrap();
    assert_eq!(report.function, "temporaries");
    assert_eq!(report.module_path, "integration::json");
    assert_eq!(report.file, "suite/tests/integration/json.rs");
    assert_eq!(report.measured, "thread_heap");
    assert!(!report.panicked && !report.cancelled);
    assert_eq!(report.calls, 1);
    let texts: Vec<&str> = report.rows.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "#[profile(unit = \"KiB\", precision = 3)]",
            "fn temporaries(n: usize) -> usize {",
            "    let kept = vec![1u8; 1000];",
            "    let mut total = 0;",
            "    for _ in 0..n {",
            "        total += vec![2u8; 4000].len();",
            "    }",
            "    kept.len() + total",
            "}",
        ]
    );
    // Bytes whatever the text unit (KiB here); the loop body allocates and frees 4,000 bytes
    // three times: Increment 0, Peak 4,000, 3 allocations. `}` frees `kept`.
    let figures: Vec<_> = report.rows.iter().map(JsonRow::figures).collect();
    let l = TEMPORARIES;
    #[rustfmt::skip]
    assert_eq!(figures, [
        (l, 0, 0, 0, 0, 1, true),
        (l + 1, 0, 0, 0, 0, 0, false),
        (l + 2, 1000, 1000, 1000, 1, 1, true),
        (l + 3, 1000, 0, 0, 0, 1, true),
        (l + 4, 1000, 0, 0, 0, 4, true),
        (l + 5, 1000, 0, 4000, 3, 3, true),
        (l + 6, 0, 0, 0, 0, 0, false),
        (l + 7, 1000, 0, 0, 0, 1, true),
        (l + 8, 0, -1000, 0, 0, 1, true),
    ]);
}

const PANICS: u32 = line!() + 1;
#[profile]
fn panics(n: usize) -> usize {
    let v = vec![0u8; n];
    assert!(v.len() < 10, "too long");
    v.len()
}

#[test]
fn a_panicked_call_says_so() {
    let reports = on_fresh_thread(|| {
        let (caught, reports) = capture(|| std::panic::catch_unwind(|| panics(100)));
        assert!(caught.is_err());
        reports
    });
    let report: JsonReport =
        serde_json::from_str(&reports.function("panics").unwrap().to_json()).unwrap();
    assert!(report.panicked);
    assert_eq!(
        report.rows[2].figures(),
        (PANICS + 2, 100, 100, 100, 1, 1, true)
    );
}

#[test]
fn text_is_escaped() {
    #[profile(format = "json")]
    fn quotes() -> &'static str {
        let s = "a \"quoted\" \\ backslash\ttab";
        s
    }
    let (_, reports) = on_fresh_thread(|| capture(quotes));
    let json = reports.function("quotes").unwrap().to_json();
    let report: JsonReport = serde_json::from_str(&json).unwrap();
    assert_eq!(
        report.rows[2].text,
        "        let s = \"a \\\"quoted\\\" \\\\ backslash\\ttab\";"
    );
    // `capture` hands back the report whatever its format; the text layout is still there.
    assert!(reports
        .to_string()
        .starts_with("Filename: suite/tests/integration/json.rs"));
}

const TO_FILE: u32 = line!() + 1;
#[profile(format = "json", stream = "../target/tmp/json-stream.jsonl")]
fn to_file(n: usize) -> usize {
    let v = vec![7u8; n];
    v.len()
}

#[test]
fn format_json_writes_one_object_per_line() {
    std::fs::create_dir_all("../target/tmp").unwrap();
    let _ = std::fs::remove_file("../target/tmp/json-stream.jsonl");
    on_fresh_thread(|| {
        assert_eq!(to_file(100), 100);
        assert_eq!(to_file(2000), 2000);
    });
    let text = std::fs::read_to_string("../target/tmp/json-stream.jsonl").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(text.ends_with("}\n"));
    for (line, n) in lines.iter().zip([100, 2000]) {
        let report: JsonReport = serde_json::from_str(line).unwrap();
        assert_eq!(report.function, "to_file");
        assert_eq!(report.calls, 1);
        let row = report
            .rows
            .iter()
            .find(|r| r.text.contains("vec![7u8; n]"))
            .unwrap();
        assert_eq!(
            row.figures(),
            (TO_FILE + 2, n as i64, n as i64, n as i64, 1, 1, true)
        );
        assert_eq!(report.rows.last().unwrap().increment, -(n as i64));
    }
}

#[profile]
async fn never_done() -> usize {
    let v: Vec<u8> = Vec::with_capacity(100);
    std::future::pending::<()>().await;
    v.capacity()
}

#[test]
fn a_cancelled_call_says_so() {
    use std::future::Future;
    use std::task::{Context, Waker};
    let reports = on_fresh_thread(|| {
        let ((), reports) = capture(|| {
            let mut future = Box::pin(never_done());
            let mut cx = Context::from_waker(Waker::noop());
            assert!(future.as_mut().poll(&mut cx).is_pending());
        });
        reports
    });
    let report: JsonReport =
        serde_json::from_str(&reports.function("never_done").unwrap().to_json()).unwrap();
    assert!(report.cancelled && !report.panicked);
    assert_eq!(
        report.rows[2].text,
        "    let v: Vec<u8> = Vec::with_capacity(100);"
    );
    assert_eq!(report.rows[2].increment, 100);
}
