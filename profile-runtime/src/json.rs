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
//! | `function` | string | the function's name, a method's with its type (`Inventory::new`, `<Inventory as Summarize>::total`; see [`Report::function`]) |
//! | `module_path` | string | `module_path!()` of the function |
//! | `file` | string | `file!()`, as on the text report's `Filename:` line |
//! | `measured` | string | `"thread_heap"`, `"process_heap"`, `"stats_alloc"` or `"resident_set_size"` ([`Measured`]) |
//! | `panicked` | bool | a call of the report ended in a panic |
//! | `cancelled` | bool | a call of the report was an `async fn` future dropped before it completed |
//! | `run_wide` | bool | the report sums a whole run's calls (`report = "exit"`) |
//! | `calls` | integer | the calls the report sums up |
//! | `peak` | integer | bytes, the highest the heap went above a call's entry, over the calls |
//! | `rows` | array | one object per source line, from the attribute's line to the closing brace |
//! | `rows[].line` | integer | the line number in the file |
//! | `rows[].text` | string | the source line as written |
//! | `rows[].mem_usage` | integer | bytes in use after the line ran (the largest over its occurrences) |
//! | `rows[].increment` | integer | bytes, sum over its occurrences of (after − before); may be negative |
//! | `rows[].peak` | integer | bytes, the highest the heap went above the line's start |
//! | `rows[].allocations` | integer | allocations the line made |
//! | `rows[].reallocations` | integer | reallocations the line made |
//! | `rows[].bytes_allocated` | integer | bytes the line allocated (allocations plus reallocations' new sizes) |
//! | `rows[].occurrences` | integer | how many times the line started |
//! | `rows[].ran` | bool | `occurrences > 0`; rows that never ran have zero figures |
//!
//! The text options `precision`, `unit`, `peak` and `allocs` do not change the JSON: it always
//! has every field, in bytes.
//!
//! Part of the report model: a small writer of JSON objects and arrays (no dependency), and
//! [`Report::to_json`], `Summary::to_json`; it reads the model (`crate::report`,
//! `crate::summary`, `crate::heap::Measured`) and writes nowhere.
//!
//! [JSON Lines]: https://jsonlines.org/

use std::fmt::Write as _;

use crate::heap::Measured;
use crate::report::{Report, Row};
use crate::summary::Summary;

/// Writes JSON into a `String`: objects and arrays whose members are written in order, strings
/// escaped as serde_json escapes them, integers, booleans and floats. No dependency: the
/// runtime must not add trait impls for std types to its users' crates (serde_json's
/// `impl PartialEq<Value> for i32` and others would change their type inference).
///
/// ```text
/// let mut out = String::new();
/// JsonObject::new(&mut out)
///     .str("name", "mean")
///     .int("bytes", 800_000)
///     .array("rows", |rows| { rows.object(|row| { row.bool("ran", true); }); })
///     .finish();
/// assert_eq!(out, r#"{"name":"mean","bytes":800000,"rows":[{"ran":true}]}"#);
/// ```
pub(crate) struct JsonObject<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> JsonObject<'a> {
    /// Opens an object at the end of `out`.
    pub(crate) fn new(out: &'a mut String) -> Self {
        out.push('{');
        JsonObject { out, empty: true }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !std::mem::take(&mut self.empty) {
            self.out.push(',');
        }
        write_str_escaped(self.out, key);
        self.out.push(':');
        self.out
    }

    /// A string member.
    pub(crate) fn str(&mut self, key: &str, value: &str) -> &mut Self {
        write_str_escaped(self.key(key), value);
        self
    }

    /// An integer member (any of Rust's integer types up to 64 bits).
    pub(crate) fn int(&mut self, key: &str, value: impl Into<i128>) -> &mut Self {
        write_int(self.key(key), value.into());
        self
    }

    /// A boolean member.
    pub(crate) fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    /// A number member; `null` if it is not finite (JSON has no NaN or infinity).
    #[allow(dead_code)] // for the run-wide summary
    pub(crate) fn float(&mut self, key: &str, value: f64) -> &mut Self {
        write_float(self.key(key), value);
        self
    }

    /// An object member, written by `f`.
    #[allow(dead_code)] // for the run-wide summary
    pub(crate) fn object(&mut self, key: &str, f: impl FnOnce(&mut JsonObject<'_>)) -> &mut Self {
        let mut object = JsonObject::new(self.key(key));
        f(&mut object);
        object.finish();
        self
    }

    /// An array member, written by `f`.
    pub(crate) fn array(&mut self, key: &str, f: impl FnOnce(&mut JsonArray<'_>)) -> &mut Self {
        let mut array = JsonArray::new(self.key(key));
        f(&mut array);
        array.finish();
        self
    }

    /// Closes the object.
    pub(crate) fn finish(&mut self) {
        self.out.push('}');
    }
}

/// An array being written (see [`JsonObject`]).
pub(crate) struct JsonArray<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> JsonArray<'a> {
    /// Opens an array at the end of `out`.
    pub(crate) fn new(out: &'a mut String) -> Self {
        out.push('[');
        JsonArray { out, empty: true }
    }

    fn next(&mut self) -> &mut String {
        if !std::mem::take(&mut self.empty) {
            self.out.push(',');
        }
        self.out
    }

    /// An object element, written by `f`.
    pub(crate) fn object(&mut self, f: impl FnOnce(&mut JsonObject<'_>)) -> &mut Self {
        let mut object = JsonObject::new(self.next());
        f(&mut object);
        object.finish();
        self
    }

    /// A string element.
    #[allow(dead_code)] // for the run-wide summary
    pub(crate) fn str(&mut self, value: &str) -> &mut Self {
        write_str_escaped(self.next(), value);
        self
    }

    /// An integer element.
    #[allow(dead_code)] // for the run-wide summary
    pub(crate) fn int(&mut self, value: impl Into<i128>) -> &mut Self {
        write_int(self.next(), value.into());
        self
    }

    /// Closes the array.
    pub(crate) fn finish(&mut self) {
        self.out.push(']');
    }
}

fn write_int(out: &mut String, value: i128) {
    // Writing into a `String` cannot fail.
    let _ = write!(out, "{value}");
}

fn write_float(out: &mut String, value: f64) {
    if value.is_finite() {
        // `{:?}` keeps a decimal point or an exponent (`1.0`, `1e20`): valid JSON numbers.
        let _ = write!(out, "{value:?}");
    } else {
        out.push_str("null");
    }
}

/// Writes `s` as a JSON string, quotes included, escaped as serde_json does: `"` and `\\`,
/// the short escapes `\b \f \n \r \t`, other control characters below U+0020 as `\u00XX`
/// (lowercase hex); everything else, non-ASCII included, as it is.
pub(crate) fn write_str_escaped(out: &mut String, s: &str) {
    out.push('"');
    let mut rest = s;
    while let Some(i) = rest.find(|c: char| c < ' ' || c == '"' || c == '\\') {
        out.push_str(&rest[..i]);
        let c = rest.as_bytes()[i];
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                let _ = write!(out, "\\u{:04x}", c);
            }
        }
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

pub(crate) fn measured_name(measured: Measured) -> &'static str {
    match measured {
        Measured::ThreadHeap => "thread_heap",
        Measured::ProcessHeap => "process_heap",
        Measured::StatsAlloc => "stats_alloc",
        Measured::ResidentSetSize => "resident_set_size",
    }
}

fn write_row(row: &Row, out: &mut JsonObject<'_>) {
    out.int("line", row.line)
        .str("text", row.text)
        .int("mem_usage", row.mem_usage)
        .int("increment", row.increment)
        .int("peak", row.peak)
        .int("allocations", row.allocations)
        .int("reallocations", row.reallocations)
        .int("bytes_allocated", row.bytes_allocated)
        .int("occurrences", row.occurrences)
        .bool("ran", row.ran());
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
    /// assert!(json.contains(r#""increment":8000,"peak":8000,"allocations":1,"reallocations":0,"bytes_allocated":8000,"occurrences":1,"ran":true"#));
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256 + 128 * self.rows().len());
        JsonObject::new(&mut out)
            .str("function", self.function())
            .str("module_path", self.module_path())
            .str("file", self.file())
            .str("measured", measured_name(self.measured()))
            .bool("panicked", self.panicked())
            .bool("cancelled", self.cancelled())
            .bool("run_wide", self.is_run_wide())
            .int("calls", self.calls())
            .int("peak", self.peak())
            .array("rows", |rows| {
                for row in self.rows() {
                    rows.object(|object| write_row(row, object));
                }
            })
            .finish();
        out
    }
}

impl Summary {
    /// The summary as one line of JSON (no trailing newline): `{"summary":{..}}`, with the
    /// functions (`functions`: `function`, `module_path`, `file`, `line`, `calls`,
    /// `bytes_allocated`, `peak`, `allocations`, `reallocations`), the lines that allocated
    /// most (`lines`: `function`, `file`, `line`, `text`, `bytes_allocated`, `increment`,
    /// `peak`, `allocations`, `reallocations`, `occurrences`) and `lines_that_allocated`, every
    /// figure in bytes. A run-wide JSON stream ends with it.
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// #[memory_profiler::profile]
    /// fn squares(n: u64) -> Vec<u64> {
    ///     (0..n).map(|i| i * i).collect()
    /// }
    /// let (_, reports) = memory_profiler::capture(|| squares(1000));
    /// let json = reports.summary().to_json();
    /// assert!(json.starts_with(r#"{"summary":{"functions":[{"function":"squares","#));
    /// assert!(json.contains(r#""calls":1,"bytes_allocated":8000,"peak":8000,"allocations":1,"reallocations":0}"#));
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256 + 256 * self.lines().len());
        JsonObject::new(&mut out)
            .object("summary", |summary| {
                summary
                    .array("functions", |list| {
                        for f in self.functions() {
                            list.object(|o| {
                                o.str("function", f.function)
                                    .str("module_path", f.module_path)
                                    .str("file", f.file)
                                    .int("line", f.line)
                                    .int("calls", f.calls)
                                    .int("bytes_allocated", f.bytes_allocated)
                                    .int("peak", f.peak)
                                    .int("allocations", f.allocations)
                                    .int("reallocations", f.reallocations);
                            });
                        }
                    })
                    .array("lines", |list| {
                        for l in self.lines() {
                            list.object(|o| {
                                o.str("function", l.function)
                                    .str("file", l.file)
                                    .int("line", l.line)
                                    .str("text", l.text)
                                    .int("bytes_allocated", l.bytes_allocated)
                                    .int("increment", l.increment)
                                    .int("peak", l.peak)
                                    .int("allocations", l.allocations)
                                    .int("reallocations", l.reallocations)
                                    .int("occurrences", l.occurrences);
                            });
                        }
                    })
                    .int("lines_that_allocated", self.lines_that_allocated() as u64);
            })
            .finish();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        write_str_escaped(&mut out, s);
        out
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut samples: Vec<String> = (0u32..0x80)
            .filter_map(char::from_u32)
            .map(String::from)
            .collect();
        samples.extend(
            [
                "",
                "plain",
                r#"let s = "a\tb";"#,
                "    let v: Vec<u64> = (0..n).collect();",
                "é ü 漢字 🦀 \u{7f} \u{2028}",
                "\u{0}\u{1f}\"\\/",
            ]
            .map(String::from),
        );
        for s in &samples {
            assert_eq!(escaped(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
        assert_eq!(escaped("a\"b\\c\nd\u{1}"), r#""a\"b\\c\nd\u0001""#);
    }

    #[test]
    fn objects_arrays_and_numbers() {
        let mut out = String::new();
        JsonObject::new(&mut out)
            .str("name", "mean")
            .int("bytes", 800_000u64)
            .int("increment", -800_000i64)
            .int("max", u64::MAX)
            .bool("ran", true)
            .float("mib", 0.5)
            .float("whole", 2.0)
            .float("nan", f64::NAN)
            .object("empty", |_| {})
            .array("rows", |rows| {
                rows.object(|row| {
                    row.bool("ran", false);
                })
                .int(3u32)
                .str("x");
            })
            .array("none", |_| {})
            .finish();
        assert_eq!(
            out,
            r#"{"name":"mean","bytes":800000,"increment":-800000,"max":18446744073709551615,"ran":true,"mib":0.5,"whole":2.0,"nan":null,"empty":{},"rows":[{"ran":false},3,"x"],"none":[]}"#
        );
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["rows"][1], 3);
    }
}
