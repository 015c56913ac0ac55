//! Reports as JSON (`#[profile(format = "json")]`, or `MEMORY_PROFILER_FORMAT=json` for a run).
//!
//! A report is one JSON object on one line (so a stream of reports is [JSON Lines]), with every
//! figure in bytes, as an integer:
//!
//! ```json
//! {"function":"basic_mean","module_path":"basic_mean","file":"examples/basic_mean.rs",
//!  "measured":"thread_heap","panicked":false,"cancelled":false,"calls":1,"rows":[
//!   {"line":9,"text":"#[profile(precision = 4)]","mem_usage":0,"increment":0,"peak":0,
//!    "allocations":0,"occurrences":1,"ran":true},
//!   {"line":10,"text":"pub fn basic_mean(n: u32) -> f64 {","mem_usage":0,"increment":0,
//!    "peak":0,"allocations":0,"occurrences":0,"ran":false},
//!   ...]}
//! ```
//!
//! (wrapped here; the real output has no line breaks inside an object). The fields are those of
//! [`Report`] and [`Row`](crate::Row):
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `function` | string | the function's name |
//! | `module_path` | string | `module_path!()` of the function |
//! | `file` | string | `file!()`, as on the text report's `Filename:` line |
//! | `measured` | string | `"thread_heap"`, `"process_heap"`, `"stats_alloc"` or `"resident_set_size"` ([`Measured`]) |
//! | `panicked` | bool | a call of the report ended in a panic |
//! | `cancelled` | bool | a call of the report was an `async fn` future dropped before it completed |
//! | `calls` | integer | the calls the report sums up |
//! | `rows` | array | one object per source line, from the attribute's line to the closing brace |
//! | `rows[].line` | integer | the line number in the file |
//! | `rows[].text` | string | the source line as written |
//! | `rows[].mem_usage` | integer | bytes in use after the line ran (the largest over its occurrences) |
//! | `rows[].increment` | integer | bytes, sum over its occurrences of (after − before); may be negative |
//! | `rows[].peak` | integer | bytes, the highest the heap went above the line's start |
//! | `rows[].allocations` | integer | allocations the line made |
//! | `rows[].occurrences` | integer | how many times the line started |
//! | `rows[].ran` | bool | `occurrences > 0`; rows that never ran have zero figures |
//!
//! The text options `precision`, `unit`, `peak` and `allocs` do not change the JSON: it always
//! has every field, in bytes.
//!
//! [JSON Lines]: https://jsonlines.org/

use serde::Serialize;

use crate::report::{Measured, Report, Row};

#[derive(Serialize)]
struct JsonReport<'a> {
    function: &'a str,
    module_path: &'a str,
    file: &'a str,
    measured: &'static str,
    panicked: bool,
    cancelled: bool,
    calls: u64,
    rows: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    line: u32,
    text: &'a str,
    mem_usage: i64,
    increment: i64,
    peak: i64,
    allocations: u64,
    occurrences: u64,
    ran: bool,
}

impl<'a> From<&'a Row> for JsonRow<'a> {
    fn from(row: &'a Row) -> Self {
        JsonRow {
            line: row.line,
            text: row.text,
            mem_usage: row.mem_usage,
            increment: row.increment,
            peak: row.peak,
            allocations: row.allocations,
            occurrences: row.occurrences,
            ran: row.ran(),
        }
    }
}

fn measured_name(measured: Measured) -> &'static str {
    match measured {
        Measured::ThreadHeap => "thread_heap",
        Measured::ProcessHeap => "process_heap",
        Measured::StatsAlloc => "stats_alloc",
        Measured::ResidentSetSize => "resident_set_size",
    }
}

impl Report {
    /// The report as one line of JSON (no trailing newline), every figure in bytes. The schema
    /// is in the crate's README ("JSON reports"); in short:
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// #[memory_profiler::profile]
    /// fn squares(n: u64) -> Vec<u64> {
    ///     let v: Vec<u64> = (0..n).map(|i| i * i).collect();
    ///     v
    /// }
    ///
    /// let (_, reports) = memory_profiler::capture(|| squares(1000));
    /// let json = reports.function("squares").unwrap().to_json();
    /// assert!(json.starts_with(r#"{"function":"squares","module_path":"#));
    /// // The `collect()` row: 1,000 × 8 bytes in one allocation (its Mem usage adds what the
    /// // thread held before the call).
    /// assert!(json.contains(r#""increment":8000,"peak":8000,"allocations":1,"occurrences":1,"ran":true"#));
    /// ```
    pub fn to_json(&self) -> String {
        let report = JsonReport {
            function: self.function(),
            module_path: self.module_path(),
            file: self.file(),
            measured: measured_name(self.measured()),
            panicked: self.panicked(),
            cancelled: self.cancelled(),
            calls: self.calls(),
            rows: self.rows().iter().map(JsonRow::from).collect(),
        };
        // Serialising plain strings, integers and booleans into a `Vec` cannot fail.
        serde_json::to_string(&report).unwrap_or_default()
    }
}
