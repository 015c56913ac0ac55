//! The summary of several reports (a run's, or a capture's): the profiled functions ranked by
//! what they allocated, then the source lines of all of them that allocated most, as memray's
//! `summary` and `stats` reporters rank them.
//!
//! Part of the report model: it reads [`Reports`] and renders text (here) and JSON (in
//! `crate::json`); it writes nowhere. It calls the report model, its figures' formatting and
//! the byte counts (`crate::bytes`).

use std::fmt::{self, Write as _};

use crate::bytes::group;
use crate::report::{format_figure, Report, Reports};
use crate::spec::Unit;

/// How many lines the summary lists at most.
pub const TOP_LINES: usize = 20;

/// A summary of reports: every function ranked, and the twenty lines that allocated
/// most. Written after the reports of a run-wide run (`report = "exit"`), and available for
/// captured reports through [`Reports::summary`].
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// #[memory_profiler::profile]
/// fn words(n: usize) -> Vec<String> {
///     (0..n).map(|i| format!("word {i}")).collect()
/// }
/// #[memory_profiler::profile]
/// fn sentence(n: usize) -> String {
///     let words = words(n);
///     words.join(" ")
/// }
///
/// let (_, reports) = memory_profiler::capture(|| sentence(100));
/// let summary = reports.summary();
/// // Ranked by bytes allocated. A function's figures include what the profiled functions it
/// // calls allocate (on the line that calls them), as in its report: `sentence` allocated
/// // the 100 strings and their `Vec` (in `words`), then the joined string.
/// let names: Vec<&str> = summary.functions().iter().map(|f| f.function).collect();
/// assert_eq!(names, ["sentence", "words"]);
/// assert_eq!(summary.functions()[0].allocations, 102);
/// assert_eq!(summary.functions()[1].allocations, 101);
/// // The lines: the `collect()` in `words` and the line that calls it allocated the same
/// // (ties go to the first in the file), then the joined string.
/// let top: Vec<(&str, &str)> = summary.lines().iter().map(|l| (l.function, l.text.trim())).collect();
/// assert_eq!(top, [
///     ("words", "(0..n).map(|i| format!(\"word {i}\")).collect()"),
///     ("sentence", "let words = words(n);"),
///     ("sentence", "words.join(\" \")"),
/// ]);
/// assert!(summary.to_string().contains("Lines that allocated most: 3 of 3"));
/// ```
#[derive(Clone, Debug)]
pub struct Summary {
    functions: Vec<FunctionSummary>,
    lines: Vec<LineSummary>,
    /// How many lines allocated (or grew the heap) in all: `lines` lists the first of them.
    lines_that_allocated: usize,
    unit: Unit,
    precision: usize,
}

/// One function of a [`Summary`]: its figures over all its calls.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionSummary {
    /// The function's name, as in its report.
    pub function: &'static str,
    /// `module_path!()` of the function.
    pub module_path: &'static str,
    /// The source file.
    pub file: &'static str,
    /// The line of its attribute (its report's first row).
    pub line: u32,
    /// Its calls.
    pub calls: u64,
    /// The bytes it allocated ([`Report::bytes_allocated`]).
    pub bytes_allocated: u64,
    /// The highest the heap went above a call's entry ([`Report::peak`]).
    pub peak: i64,
    /// Its allocations.
    pub allocations: u64,
    /// Its reallocations.
    pub reallocations: u64,
}

/// One source line of a [`Summary`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LineSummary {
    /// The function the line is in.
    pub function: &'static str,
    /// The source file.
    pub file: &'static str,
    /// The line number.
    pub line: u32,
    /// The source line, as written.
    pub text: &'static str,
    /// The bytes the line allocated.
    pub bytes_allocated: u64,
    /// Its Increment.
    pub increment: i64,
    /// Its Peak.
    pub peak: i64,
    /// Its allocations.
    pub allocations: u64,
    /// Its reallocations.
    pub reallocations: u64,
    /// Its occurrences.
    pub occurrences: u64,
}

impl Summary {
    /// The summary of `reports`.
    pub fn of(reports: &Reports) -> Summary {
        let mut functions: Vec<FunctionSummary> = reports
            .iter()
            .map(|r| FunctionSummary {
                function: r.function(),
                module_path: r.module_path(),
                file: r.file(),
                line: r.rows().first().map_or(0, |row| row.line),
                calls: r.calls(),
                bytes_allocated: r.bytes_allocated(),
                peak: r.peak(),
                allocations: r.allocations(),
                reallocations: r.reallocations(),
            })
            .collect();
        functions.sort_by(|a, b| {
            (b.bytes_allocated, b.peak, b.calls)
                .cmp(&(a.bytes_allocated, a.peak, a.calls))
                .then((a.file, a.line).cmp(&(b.file, b.line)))
        });
        let mut lines: Vec<LineSummary> = reports
            .iter()
            .flat_map(|r| {
                // Not the attribute's row: it is the calls' entry, not a line that ran.
                r.code_rows().iter().map(move |row| LineSummary {
                    function: r.function(),
                    file: r.file(),
                    line: row.line,
                    text: row.text,
                    bytes_allocated: row.bytes_allocated,
                    increment: row.increment,
                    peak: row.peak,
                    allocations: row.allocations,
                    reallocations: row.reallocations,
                    occurrences: row.occurrences,
                })
            })
            .filter(|l| l.bytes_allocated > 0 || l.increment > 0 || l.peak > 0)
            .collect();
        lines.sort_by(|a, b| {
            (b.bytes_allocated, b.increment, b.peak)
                .cmp(&(a.bytes_allocated, a.increment, a.peak))
                .then((a.file, a.line).cmp(&(b.file, b.line)))
        });
        let lines_that_allocated = lines.len();
        lines.truncate(TOP_LINES);
        let (unit, precision) = units(reports.iter());
        Summary {
            functions,
            lines,
            lines_that_allocated,
            unit,
            precision,
        }
    }

    /// The functions, the one that allocated most first.
    pub fn functions(&self) -> &[FunctionSummary] {
        &self.functions
    }

    /// The lines that allocated most, most first (twenty at most, `TOP_LINES`).
    pub fn lines(&self) -> &[LineSummary] {
        &self.lines
    }

    /// How many lines allocated (or grew the heap) in all, of which [`Summary::lines`] lists
    /// the first.
    pub fn lines_that_allocated(&self) -> usize {
        self.lines_that_allocated
    }

    fn figure(&self, bytes: i64) -> String {
        format_figure(bytes, self.unit, self.precision)
            .trim_start()
            .to_owned()
    }
}

/// The unit and precision of the summary: its reports' when they agree, else MiB with the
/// largest precision among them.
fn units<'a>(mut reports: impl Iterator<Item = &'a Report>) -> (Unit, usize) {
    let Some(first) = reports.next() else {
        return (Unit::MiB, 1);
    };
    let (mut unit, mut precision) = (Some(first.unit), first.precision);
    for r in reports {
        if Some(r.unit) != unit {
            unit = None;
        }
        precision = precision.max(r.precision);
    }
    (unit.unwrap_or(Unit::MiB), precision)
}

impl Reports {
    /// The summary of these reports: the functions ranked by the bytes they allocated, and
    /// the lines that allocated most (see [`Summary`]).
    pub fn summary(&self) -> Summary {
        Summary::of(self)
    }
}

/// A table of right-aligned figure columns, then left-aligned text columns, each as wide as
/// its widest cell, under a rule of `=`.
struct Table {
    header: Vec<&'static str>,
    /// How many of the first columns are right-aligned figures.
    figures: usize,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn render(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|i| {
                let cells = self.rows.iter().map(|row| row[i].chars().count());
                // Figures get memory_profiler's 12 columns at least.
                let least = if i < self.figures { 12 } else { 0 };
                cells
                    .chain([self.header[i].len(), least])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let last = self.header.len() - 1;
        let line = |cells: &[&str]| {
            let mut out = String::new();
            for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                let gap = if i == 0 { "" } else { "  " };
                if i < self.figures {
                    let _ = write!(out, "{gap}{cell:>width$}");
                } else if i == last {
                    let _ = write!(out, "{gap}{cell}");
                } else {
                    let _ = write!(out, "{gap}{cell:<width$}");
                }
            }
            out
        };
        let header = line(&self.header);
        writeln!(f, "{header}")?;
        writeln!(f, "{}", "=".repeat(header.chars().count()))?;
        for row in &self.rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            writeln!(f, "{}", line(&cells).trim_end())?;
        }
        Ok(())
    }
}

impl fmt::Display for Summary {
    /// Two tables: the functions, then the lines that allocated most; figures in the unit and
    /// precision of the reports.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.functions.len();
        let s = if n == 1 { "" } else { "s" };
        writeln!(f, "Summary: {n} profiled function{s}, by bytes allocated")?;
        writeln!(f)?;
        Table {
            header: vec![
                "Calls",
                "Allocated",
                "Peak",
                "Allocs",
                "Function",
                "Defined at",
            ],
            figures: 4,
            rows: self
                .functions
                .iter()
                .map(|fun| {
                    vec![
                        group(fun.calls as i64),
                        self.figure(fun.bytes_allocated as i64),
                        self.figure(fun.peak),
                        group(fun.allocations as i64),
                        fun.function.to_owned(),
                        format!("{}:{}", fun.file, fun.line),
                    ]
                })
                .collect(),
        }
        .render(f)?;
        writeln!(f)?;
        if self.lines.is_empty() {
            writeln!(f, "No line allocated.")?;
        } else {
            writeln!(
                f,
                "Lines that allocated most: {} of {}",
                self.lines.len(),
                self.lines_that_allocated
            )?;
            writeln!(f)?;
            Table {
                header: vec![
                    "Allocated",
                    "Increment",
                    "Peak",
                    "Occurrences",
                    "Allocs",
                    "Function",
                    "Line",
                    "Line Contents",
                ],
                figures: 5,
                rows: self
                    .lines
                    .iter()
                    .map(|l| {
                        vec![
                            self.figure(l.bytes_allocated as i64),
                            self.figure(l.increment),
                            self.figure(l.peak),
                            group(l.occurrences as i64),
                            group(l.allocations as i64),
                            l.function.to_owned(),
                            format!("{}:{}", l.file, l.line),
                            l.text.trim().to_owned(),
                        ]
                    })
                    .collect(),
            }
            .render(f)?;
        }
        writeln!(f)?;
        writeln!(f)
    }
}
