//! Allocation baselines: the figures of a test (or of a whole run) kept in a file, and compared
//! line by line with a new run's.
//!
//! `#[limit(baseline)]` keeps, beside the test, a [`Snapshot`] of what its body and the
//! `#[profile]` functions it called allocated, per function and per source line, and fails the
//! test when a function's figures grow past their [`Tolerances`], printing the [`Comparison`]:
//! which lines of which functions allocate more or less, old and new side by side. `mprof diff`
//! compares two run-wide JSON reports the same way. This module is the model both use: pure
//! data, no files, no environment.
//!
//! # The snapshot file (format 1)
//!
//! ```text
//! # memory-profiler allocation baseline, checked by #[limit(baseline)]. One row per profiled
//! # function, then one per source line that ran (@N: line N of the function, counted from its
//! # attribute): bytes allocated, allocations, peak bytes; exact figures, compared by function
//! # name and statement text. MEMORY_PROFILER_UPDATE=1 rewrites it.
//! version 1
//! `parse` calls=1 bytes=8_000 allocs=1 peak=8_000 | tests/config.rs:12
//! `parse` @2 bytes=8_000 allocs=1 peak=8_000 | let fields: Vec<u64> = (0..1000).collect();
//! `parse` @3 bytes=0 allocs=0 peak=0 | fields.len()
//! `parse` @4 bytes=0 allocs=0 peak=0 | }
//! ```
//!
//! - Lines starting with `#`, and blank lines, are comments.
//! - `version N` comes first: the format's version. This crate reads format 1 and says so for
//!   any other.
//! - Then one row per function (sorted by name, then file), each followed by its lines (sorted
//!   by their place): `` `NAME` `` (the function's name in backticks), then space-separated
//!   fields, then ` | ` and the rest of the line:
//!   - a function's row: `calls=N bytes=N allocs=N peak=N | FILE:LINE` (where its attribute
//!     is);
//!   - a line's row: `@N bytes=N allocs=N peak=N | STATEMENT` (the source line as written,
//!     without its indentation; `@N` is its place in the function, line N counting the
//!     attribute's line as 0).
//! - The figures: `bytes`, the bytes allocated (allocations' sizes plus reallocations' new
//!   sizes, as [`Row::bytes_allocated`](crate::Row)); `allocs`, the allocations
//!   (reallocations not included, as `#[limit(allocations = N)]` counts them); `peak`, the
//!   highest the heap went above where it was when the line (or a call of the function) started.
//!   A function's figures include those of the profiled functions it called, on the lines that
//!   called them, as its report does. Numbers may group digits with `_`.
//! - Rows of the attribute's line and of lines that never ran are not written. No figure depends
//!   on what ran before on the thread (none is Mem usage, which does).
//!
//! The order, the one row per line and the absence of absolute line numbers on line rows keep
//! the file's diffs small and readable: adding a comment above a function changes one row
//! (its `FILE:LINE`), and no line becomes "new", since lines are matched by their text.
//!
//! # Matching and tolerances
//!
//! Functions are matched by name (and file, when several share a name). Their lines are
//! matched by statement text (whitespace and a trailing `//` comment ignored), in order, as a
//! diff matches lines; a statement found at another place is *moved*, and the rest are *added*
//! or *removed*. The line numbers are a hint only: among equal statements, the nearest wins.
//!
//! A function present in both regresses when one of its three figures grows past its
//! [`Tolerance`]: `"+5%"` of the old figure, or an amount, `"+1 KiB"` (bytes and peak) or
//! `"+2"` (allocations); the default, `"+0"`, allows no growth. Lines are not gated one by one
//! (moving an allocation from one line to another is no regression); they show where a
//! function's growth comes from.

// The model here (figures, snapshots); the file format in `file`, the comparison in `compare`,
// its text in `render`, the tolerances in `tolerance`. Pure data: no files, no environment; it
// calls only the report model (a snapshot of reports) and the byte counts.
mod compare;
mod file;
mod render;
#[cfg(test)]
mod tests;
mod tolerance;

use crate::bytes::group;
use crate::report::Report;

pub use self::compare::{Change, Comparison, FunctionChange, FunctionSide, LineChange, Regression};
pub use self::file::ParseError;
pub use self::tolerance::{Tolerance, Tolerances};

/// The version of the snapshot format this crate writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// One of the three figures a baseline keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Figure {
    /// Bytes allocated: allocations' sizes plus reallocations' new sizes.
    Bytes,
    /// Allocations (reallocations not included).
    Allocations,
    /// The highest the heap went above where it was at the start.
    Peak,
}

impl Figure {
    /// The three figures, in the order they are written.
    pub const ALL: [Figure; 3] = [Figure::Bytes, Figure::Allocations, Figure::Peak];

    /// The figure's name in messages: `bytes allocated`, `allocations`, `peak`.
    pub fn name(self) -> &'static str {
        match self {
            Figure::Bytes => "bytes allocated",
            Figure::Allocations => "allocations",
            Figure::Peak => "peak",
        }
    }

    /// The figure's name as a tolerance's key: `bytes`, `allocations`, `peak`.
    pub fn key(self) -> &'static str {
        match self {
            Figure::Bytes => "bytes",
            Figure::Allocations => "allocations",
            Figure::Peak => "peak",
        }
    }

    /// `800,000 B` for bytes and peak, `3` for allocations.
    fn format(self, value: i128) -> String {
        match self {
            Figure::Allocations => group_wide(value),
            Figure::Bytes | Figure::Peak => format!("{} B", group_wide(value)),
        }
    }

    /// `+800 B`, `-3`, `0 B`.
    fn format_change(self, change: i128) -> String {
        let sign = if change > 0 { "+" } else { "" };
        format!("{sign}{}", self.format(change))
    }
}

/// The three figures of a function or a line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Figures {
    /// Bytes allocated (allocations' sizes plus reallocations' new sizes).
    pub bytes: u64,
    /// Allocations (reallocations not included).
    pub allocations: u64,
    /// The highest the heap went above where it was at the start.
    pub peak: i64,
}

impl Figures {
    /// The three figures.
    pub const fn new(bytes: u64, allocations: u64, peak: i64) -> Figures {
        Figures {
            bytes,
            allocations,
            peak,
        }
    }

    /// One figure.
    pub fn get(&self, figure: Figure) -> i128 {
        match figure {
            Figure::Bytes => i128::from(self.bytes),
            Figure::Allocations => i128::from(self.allocations),
            Figure::Peak => i128::from(self.peak),
        }
    }

    fn is_zero(&self) -> bool {
        *self == Figures::default()
    }
}

/// A source line of a [`SnapshotFunction`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SnapshotLine {
    /// Its line number in the file (a hint: lines are matched by text).
    pub line: u32,
    /// The source line, without its indentation.
    pub text: String,
    /// Its figures.
    pub figures: Figures,
}

impl SnapshotLine {
    /// A line: its number, its text (trimmed here) and figures.
    pub fn new(line: u32, text: &str, figures: Figures) -> SnapshotLine {
        SnapshotLine {
            line,
            text: text.trim().to_owned(),
            figures,
        }
    }
}

/// A profiled function of a [`Snapshot`]: its figures over its calls, and its lines that ran.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SnapshotFunction {
    /// The function's name.
    pub name: String,
    /// Its source file.
    pub file: String,
    /// The line of its attribute, from which its lines are counted.
    pub first_line: u32,
    /// Its calls.
    pub calls: u64,
    /// Its figures: bytes allocated and allocations over its calls, the highest peak of a call.
    pub figures: Figures,
    /// Its lines that ran, in order.
    pub lines: Vec<SnapshotLine>,
}

impl SnapshotFunction {
    /// A function (its lines are sorted here).
    pub fn new(
        name: &str,
        file: &str,
        first_line: u32,
        calls: u64,
        figures: Figures,
        mut lines: Vec<SnapshotLine>,
    ) -> SnapshotFunction {
        lines.sort_by_key(|l| l.line);
        SnapshotFunction {
            name: name.to_owned(),
            file: file.to_owned(),
            first_line,
            calls,
            figures,
            lines,
        }
    }

    fn of_report(report: &Report) -> SnapshotFunction {
        let lines = report
            .rows()
            .iter()
            // The attribute's row is the calls' entry, not a line that ran.
            .skip(1)
            .filter(|row| row.ran())
            .map(|row| {
                SnapshotLine::new(
                    row.line,
                    row.text,
                    Figures::new(row.bytes_allocated, row.allocations, row.peak),
                )
            })
            .collect();
        SnapshotFunction::new(
            report.function(),
            // `/` on every system, so that the file is the same wherever it is written.
            &report.file().replace('\\', "/"),
            report.rows().first().map_or(0, |row| row.line),
            report.calls(),
            Figures::new(
                report.bytes_allocated(),
                report.allocations(),
                report.peak(),
            ),
            lines,
        )
    }
}

/// The figures of a test or a run, per function and per source line: what a baseline file
/// keeps (see the [module](self) docs for its format), and what [`Snapshot::compare`] compares.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// use memory_profiler::baseline::{Snapshot, Tolerances};
///
/// #[memory_profiler::profile]
/// fn squares(n: u64) -> Vec<u64> {
///     (0..n).map(|i| i * i).collect()
/// }
///
/// let (_, reports) = memory_profiler::capture(|| squares(1000));
/// let old = Snapshot::of_reports(&reports);
/// let text = old.to_string();
/// assert!(text.contains("`squares` @2 bytes=8_000 allocs=1 peak=8_000 | (0..n).map(|i| i * i).collect()\n"));
/// assert_eq!(Snapshot::parse(&text).unwrap(), old);
///
/// let (_, reports) = memory_profiler::capture(|| squares(2000));
/// let comparison = old.compare(&Snapshot::of_reports(&reports), &Tolerances::default());
/// let regression = &comparison.regressions()[0];
/// assert_eq!((regression.function.as_str(), regression.old, regression.new), ("squares", 8_000, 16_000));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    functions: Vec<SnapshotFunction>,
}

impl Snapshot {
    /// A snapshot of these functions (sorted here, by name then file).
    pub fn new(mut functions: Vec<SnapshotFunction>) -> Snapshot {
        functions.sort_by(|a, b| {
            (&a.name, &a.file, a.first_line).cmp(&(&b.name, &b.file, b.first_line))
        });
        Snapshot { functions }
    }

    /// The snapshot of reports: each function's figures, and those of its lines that ran.
    pub fn of_reports<'a>(reports: impl IntoIterator<Item = &'a Report>) -> Snapshot {
        Snapshot::new(
            reports
                .into_iter()
                .map(SnapshotFunction::of_report)
                .collect(),
        )
    }

    /// The functions, sorted by name then file.
    pub fn functions(&self) -> &[SnapshotFunction] {
        &self.functions
    }
}

/// `1,048,576` for any figure (sums of u64 figures do not fit an i64).
fn group_wide(n: i128) -> String {
    match i64::try_from(n) {
        Ok(n) => group(n),
        Err(_) => n.to_string(),
    }
}
