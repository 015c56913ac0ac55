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

use std::fmt::{self, Write as _};

use crate::bytes::group;
use crate::report::Report;

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

/// How much a figure may grow over its baseline (see the [module](self) docs).
///
/// ```
/// use memory_profiler::baseline::{Figure, Tolerance};
///
/// let five = Tolerance::parse("+5%", Figure::Bytes).unwrap();
/// assert_eq!(five, Tolerance::Percent(5.0));
/// assert_eq!(five.most(1_200), 1_260);
/// assert_eq!(Tolerance::parse("+1 KiB", Figure::Peak), Ok(Tolerance::Amount(1024)));
/// assert_eq!(Tolerance::parse("+0", Figure::Allocations), Ok(Tolerance::Amount(0)));
/// assert!(Tolerance::parse("5%", Figure::Bytes).unwrap_err().contains("\"+5%\""));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tolerance {
    /// A share of the old figure, in percent (`"+5%"`, `"+0.5%"`).
    Percent(f64),
    /// An amount: bytes for bytes and peak (`"+1 KiB"`, `"+64 B"`, `"+100"`), a count for
    /// allocations (`"+2"`).
    Amount(u64),
}

impl Default for Tolerance {
    /// `"+0"`: no growth.
    fn default() -> Self {
        Tolerance::Amount(0)
    }
}

impl Tolerance {
    /// Reads a tolerance as `#[limit(baseline, ..)]` and `mprof diff` take it: `+` then a
    /// percentage (`"+5%"`), or an amount: a count for allocations (`"+2"`), bytes for bytes and
    /// peak, with or without a unit (`"+100"`, `"+1 KiB"`, `"+1.5 MB"`; `B`, `KB`, `MB`, `GB`,
    /// `TB` are powers of 1000, `KiB`, `MiB`, `GiB`, `TiB` powers of 1024).
    pub fn parse(text: &str, figure: Figure) -> Result<Tolerance, String> {
        let trimmed = text.trim();
        let example = match figure {
            Figure::Allocations => "\"+5%\" or \"+2\"",
            Figure::Bytes | Figure::Peak => "\"+5%\" or \"+1 KiB\"",
        };
        let Some(rest) = trimmed.strip_prefix('+') else {
            let hint = if !trimmed.is_empty() && !trimmed.starts_with('-') {
                format!(" (did you mean \"+{trimmed}\"?)")
            } else {
                String::new()
            };
            return Err(format!(
                "\"{text}\" is not a tolerance{hint}: a tolerance is how much the {} may grow, \
                 written with a `+`: {example}",
                figure.name()
            ));
        };
        let rest = rest.trim();
        if let Some(number) = rest.strip_suffix('%') {
            return match number.trim().replace('_', "").parse::<f64>() {
                Ok(p) if p.is_finite() && p >= 0.0 && !number.trim().is_empty() => {
                    Ok(Tolerance::Percent(p))
                }
                _ => Err(format!(
                    "\"{text}\" is not a percentage: write a number before `%`, as in \"+5%\""
                )),
            };
        }
        match figure {
            Figure::Allocations => match rest.replace('_', "").parse::<u64>() {
                Ok(n) => Ok(Tolerance::Amount(n)),
                Err(_) => Err(format!(
                    "\"{text}\" is not a tolerance of allocations: write a whole number of \
                     allocations or a percentage: {example}"
                )),
            },
            Figure::Bytes | Figure::Peak => parse_bytes(rest)
                .map(Tolerance::Amount)
                .map_err(|why| format!("\"{text}\": {why}; write {example}")),
        }
    }

    /// The most the figure may reach, from `old`: `old` plus the percentage of it (rounded
    /// down) or plus the amount.
    pub fn most(&self, old: i128) -> i128 {
        match *self {
            Tolerance::Percent(p) => old + (old.max(0) as f64 * p / 100.0).floor() as i128,
            Tolerance::Amount(n) => old + i128::from(n),
        }
    }

    /// The tolerance as written for `figure`: `+5%`, `+1,024 B`, `+2`.
    pub fn describe(&self, figure: Figure) -> String {
        match *self {
            Tolerance::Percent(p) => format!("+{p}%"),
            Tolerance::Amount(n) => format!("+{}", figure.format(i128::from(n))),
        }
    }
}

/// A number of bytes with an optional unit.
fn parse_bytes(text: &str) -> Result<u64, String> {
    const UNITS: [(&str, f64); 9] = [
        ("B", 1.0),
        ("KB", 1e3),
        ("MB", 1e6),
        ("GB", 1e9),
        ("TB", 1e12),
        ("KiB", 1024.0),
        ("MiB", 1048576.0),
        ("GiB", 1073741824.0),
        ("TiB", 1099511627776.0),
    ];
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .replace('_', "")
        .parse()
        .map_err(|_| "not an amount of bytes".to_owned())?;
    let unit = unit.trim();
    let factor = if unit.is_empty() {
        1.0
    } else {
        match UNITS.iter().find(|(u, _)| *u == unit) {
            Some((_, factor)) => *factor,
            None => {
                return Err(format!(
                    "unknown unit \"{unit}\" (use B, KB, MB, GB, TB, or KiB, MiB, GiB, TiB)"
                ))
            }
        }
    };
    let bytes = number * factor;
    if bytes.fract() != 0.0 || bytes > u64::MAX as f64 {
        return Err("not a whole number of bytes".to_owned());
    }
    Ok(bytes as u64)
}

/// The tolerances of the three figures: how much each may grow before a function regresses.
///
/// ```
/// use memory_profiler::baseline::{Tolerance, Tolerances};
///
/// let tolerances = Tolerances::new(Tolerance::Percent(5.0), Tolerance::Amount(0), Tolerance::Amount(0));
/// assert_eq!(tolerances.to_string(), "bytes +5%, allocations +0, peak +0 B");
/// assert_eq!(Tolerances::default().to_string(), "bytes +0 B, allocations +0, peak +0 B");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Tolerances {
    /// Of the bytes allocated.
    pub bytes: Tolerance,
    /// Of the allocations.
    pub allocations: Tolerance,
    /// Of the peak.
    pub peak: Tolerance,
}

impl Tolerances {
    /// The three tolerances.
    pub const fn new(bytes: Tolerance, allocations: Tolerance, peak: Tolerance) -> Tolerances {
        Tolerances {
            bytes,
            allocations,
            peak,
        }
    }

    /// The tolerance of `figure`.
    pub fn of(&self, figure: Figure) -> Tolerance {
        match figure {
            Figure::Bytes => self.bytes,
            Figure::Allocations => self.allocations,
            Figure::Peak => self.peak,
        }
    }
}

impl fmt::Display for Tolerances {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = Figure::ALL
            .iter()
            .map(|figure| format!("{} {}", figure.key(), self.of(*figure).describe(*figure)))
            .collect();
        f.write_str(&parts.join(", "))
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

    /// Reads a snapshot file (see the [module](self) docs). The error says which line is wrong
    /// and why.
    pub fn parse(text: &str) -> Result<Snapshot, ParseError> {
        let mut version = None;
        let mut functions: Vec<SnapshotFunction> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let number = i + 1;
            let error = |message: String| ParseError {
                line: number,
                message,
            };
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if version.is_none() {
                let v = line
                    .strip_prefix("version ")
                    .and_then(|v| v.trim().parse::<u32>().ok())
                    .ok_or_else(|| {
                        error(format!(
                            "expected `version {FORMAT_VERSION}` before any row, found `{line}`"
                        ))
                    })?;
                if v != FORMAT_VERSION {
                    return Err(error(format!(
                        "the file is in format {v}, and this memory-profiler reads format \
                         {FORMAT_VERSION}"
                    )));
                }
                version = Some(v);
                continue;
            }
            let row = Row::parse(line).map_err(error)?;
            match row.place {
                None => {
                    let at = row.rest.rsplit_once(':').and_then(|(file, line)| {
                        line.parse::<u32>().ok().map(|line| (file.to_owned(), line))
                    });
                    let Some((file, first_line)) = at else {
                        return Err(error(format!(
                            "a function's row ends with ` | FILE:LINE`, not ` | {}`",
                            row.rest
                        )));
                    };
                    let calls = row.calls.ok_or_else(|| {
                        error(format!("the row of `{}` has no `calls=`", row.name))
                    })?;
                    if functions
                        .iter()
                        .any(|f| f.name == row.name && f.file == file)
                    {
                        return Err(error(format!(
                            "`{}` of {file} has two rows; keep one",
                            row.name
                        )));
                    }
                    functions.push(SnapshotFunction {
                        name: row.name,
                        file,
                        first_line,
                        calls,
                        figures: row.figures,
                        lines: Vec::new(),
                    });
                }
                Some(place) => {
                    let Some(function) = functions.last_mut().filter(|f| f.name == row.name) else {
                        return Err(error(format!(
                            "the line of `{}` comes before, or away from, its function's row",
                            row.name
                        )));
                    };
                    if row.calls.is_some() {
                        return Err(error("a line's row has no `calls=`".to_owned()));
                    }
                    function.lines.push(SnapshotLine {
                        line: function.first_line.saturating_add(place),
                        text: row.rest.to_owned(),
                        figures: row.figures,
                    });
                }
            }
        }
        if version.is_none() {
            return Err(ParseError {
                line: text.lines().count().max(1),
                message: format!("no `version {FORMAT_VERSION}` line: the file is empty"),
            });
        }
        Ok(Snapshot::new(
            functions
                .into_iter()
                .map(|mut f| {
                    f.lines.sort_by_key(|l| l.line);
                    f
                })
                .collect(),
        ))
    }

    /// Compares `self` (the old figures, the baseline) with `new`: functions and lines matched,
    /// the functions whose figures grew past `tolerances` listed as regressions.
    pub fn compare(&self, new: &Snapshot, tolerances: &Tolerances) -> Comparison {
        let pairs = pair_functions(&self.functions, &new.functions);
        let mut functions: Vec<FunctionChange> = pairs
            .into_iter()
            .map(|(old, new)| FunctionChange::of(old, new))
            .collect();
        let mut regressions = Vec::new();
        for change in &functions {
            let (Some(old), Some(new)) = (&change.old, &change.new) else {
                continue;
            };
            for figure in Figure::ALL {
                let tolerance = tolerances.of(figure);
                let (o, n) = (old.figures.get(figure), new.figures.get(figure));
                let most = tolerance.most(o);
                if n > most {
                    regressions.push(Regression {
                        function: change.name.clone(),
                        figure,
                        old: o,
                        new: n,
                        tolerance,
                        most,
                    });
                }
            }
        }
        // The functions that regressed first, then those that changed, then the others; by
        // name within each.
        functions.sort_by_key(|f| {
            let regressed = regressions.iter().any(|r| r.function == f.name);
            (!regressed, f.is_unchanged(), f.name.clone(), f.file.clone())
        });
        Comparison {
            functions,
            regressions,
            tolerances: *tolerances,
        }
    }
}

impl fmt::Display for Snapshot {
    /// The snapshot file: its comment, `version 1`, then the rows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "# memory-profiler allocation baseline, checked by #[limit(baseline)]. One row per \
             profiled\n# function, then one per source line that ran (@N: line N of the \
             function, counted from its\n# attribute): bytes allocated, allocations, peak \
             bytes; exact figures, compared by function\n# name and statement text. \
             MEMORY_PROFILER_UPDATE=1 rewrites it.\n",
        )?;
        writeln!(f, "version {FORMAT_VERSION}")?;
        for function in &self.functions {
            let Figures {
                bytes,
                allocations,
                peak,
            } = function.figures;
            writeln!(
                f,
                "`{}` calls={} bytes={} allocs={} peak={} | {}:{}",
                function.name,
                underscored(function.calls.into()),
                underscored(bytes.into()),
                underscored(allocations.into()),
                underscored(peak.into()),
                function.file,
                function.first_line
            )?;
            for line in &function.lines {
                let Figures {
                    bytes,
                    allocations,
                    peak,
                } = line.figures;
                writeln!(
                    f,
                    "`{}` @{} bytes={} allocs={} peak={} | {}",
                    function.name,
                    line.line.saturating_sub(function.first_line),
                    underscored(bytes.into()),
                    underscored(allocations.into()),
                    underscored(peak.into()),
                    line.text
                )?;
            }
        }
        Ok(())
    }
}

/// A snapshot file that cannot be read: the line (1-based) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The line of the file.
    pub line: usize,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// One row of a snapshot file, read.
struct Row<'a> {
    name: String,
    /// `@N`: a line's row.
    place: Option<u32>,
    calls: Option<u64>,
    figures: Figures,
    rest: &'a str,
}

impl<'a> Row<'a> {
    fn parse(line: &'a str) -> Result<Row<'a>, String> {
        let after = line.strip_prefix('`').ok_or_else(|| {
            format!("expected a row starting with a function's name in backticks, found `{line}`")
        })?;
        let (name, after) = after
            .split_once('`')
            .ok_or_else(|| "the function's name has no closing backtick".to_owned())?;
        let (fields, rest) = after
            .split_once(" | ")
            .or_else(|| after.strip_suffix(" |").map(|f| (f, "")))
            .ok_or_else(|| format!("the row of `{name}` has no ` | ` before its text"))?;
        let mut row = Row {
            name: name.to_owned(),
            place: None,
            calls: None,
            figures: Figures::default(),
            rest,
        };
        let (mut bytes, mut allocs, mut peak) = (None, None, None);
        for field in fields.split_whitespace() {
            let number = |text: &str| {
                text.replace('_', "")
                    .parse::<i128>()
                    .map_err(|_| format!("`{field}` is not a number"))
            };
            if let Some(place) = field.strip_prefix('@') {
                row.place = Some(
                    number(place)?
                        .try_into()
                        .map_err(|_| format!("`{field}` is out of range"))?,
                );
                continue;
            }
            let (key, value) = field
                .split_once('=')
                .ok_or_else(|| format!("expected `key=value`, found `{field}`"))?;
            let value = number(value)?;
            let out_of_range = || format!("`{field}` is out of range");
            match key {
                "calls" => row.calls = Some(value.try_into().map_err(|_| out_of_range())?),
                "bytes" => bytes = Some(value.try_into().map_err(|_| out_of_range())?),
                "allocs" => allocs = Some(value.try_into().map_err(|_| out_of_range())?),
                "peak" => peak = Some(value.try_into().map_err(|_| out_of_range())?),
                _ => {
                    return Err(format!(
                        "unknown field `{key}` (the fields are calls, bytes, allocs and peak)"
                    ))
                }
            }
        }
        match (bytes, allocs, peak) {
            (Some(bytes), Some(allocations), Some(peak)) => {
                row.figures = Figures::new(bytes, allocations, peak);
                Ok(row)
            }
            _ => Err(format!(
                "a row of `{name}` needs `bytes=`, `allocs=` and `peak=`"
            )),
        }
    }
}

/// `1_048_576`.
fn underscored(n: i128) -> String {
    group_wide(n).replace(',', "_")
}

/// `1,048,576` for any figure (sums of u64 figures do not fit an i64).
fn group_wide(n: i128) -> String {
    match i64::try_from(n) {
        Ok(n) => group(n),
        Err(_) => n.to_string(),
    }
}

/// What a statement is matched by: its text without a trailing `//` comment, whitespace
/// collapsed.
fn statement_key(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            // A character literal of a quote: `'"'` or `'\"'`.
            b'\'' if !in_string => {
                if bytes.get(i + 1) == Some(&b'"') && bytes.get(i + 2) == Some(&b'\'') {
                    i += 2;
                } else if bytes.get(i + 1) == Some(&b'\\') && bytes.get(i + 3) == Some(&b'\'') {
                    i += 3;
                }
            }
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                end = i;
                break;
            }
            _ => {}
        }
        i += 1;
    }
    text[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The old and new functions paired: by name and file, then by name alone; the rest alone.
fn pair_functions<'a>(
    old: &'a [SnapshotFunction],
    new: &'a [SnapshotFunction],
) -> Vec<(Option<&'a SnapshotFunction>, Option<&'a SnapshotFunction>)> {
    let mut old_used = vec![false; old.len()];
    let mut pairs: Vec<(Option<usize>, usize)> = Vec::new();
    for (j, n) in new.iter().enumerate() {
        let exact = (0..old.len())
            .find(|&i| !old_used[i] && old[i].name == n.name && old[i].file == n.file);
        if let Some(i) = exact {
            old_used[i] = true;
        }
        pairs.push((exact, j));
    }
    for pair in pairs.iter_mut().filter(|p| p.0.is_none()) {
        let n = &new[pair.1];
        if let Some(i) = (0..old.len()).find(|&i| !old_used[i] && old[i].name == n.name) {
            old_used[i] = true;
            pair.0 = Some(i);
        }
    }
    let mut out: Vec<_> = pairs
        .into_iter()
        .map(|(i, j)| (i.map(|i| &old[i]), Some(&new[j])))
        .collect();
    out.extend(
        old.iter()
            .zip(&old_used)
            .filter(|(_, used)| !**used)
            .map(|(f, _)| (Some(f), None)),
    );
    out
}

/// How a line changed between the old figures and the new.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// The same statement, at its place among the others (its figures may differ).
    Same,
    /// The same statement, found at another place among the others.
    Moved,
    /// A statement only the new figures have.
    Added,
    /// A statement only the old figures have.
    Removed,
}

impl Change {
    fn mark(self) -> &'static str {
        match self {
            Change::Same => "=",
            Change::Moved => "~",
            Change::Added => "+",
            Change::Removed => "-",
        }
    }
}

/// A line of a [`FunctionChange`]: its statement, and its line number and figures in the old
/// and the new figures (`None` on the side that does not have it).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LineChange {
    /// How it changed.
    pub change: Change,
    /// The statement (the new text, or the old one for a removed line).
    pub text: String,
    /// Line number and figures in the old figures.
    pub old: Option<(u32, Figures)>,
    /// Line number and figures in the new figures.
    pub new: Option<(u32, Figures)>,
}

impl LineChange {
    /// Whether the line is the same statement, at its place, with the same figures.
    pub fn is_unchanged(&self) -> bool {
        self.change == Change::Same && self.old.map(|o| o.1) == self.new.map(|n| n.1)
    }

    /// The change of `figure`, new minus old (a missing side counts as zero).
    pub fn growth(&self, figure: Figure) -> i128 {
        let side = |s: Option<(u32, Figures)>| s.map_or(0, |(_, f)| f.get(figure));
        side(self.new) - side(self.old)
    }
}

/// What a function's side of a comparison has: where it is, its calls and figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionSide {
    /// The line of its attribute.
    pub first_line: u32,
    /// Its calls.
    pub calls: u64,
    /// Its figures.
    pub figures: Figures,
}

/// A function of a [`Comparison`]: its old and new figures (`None` where it is missing), and
/// its lines matched.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionChange {
    /// The function's name.
    pub name: String,
    /// Its file (the new one, if it moved).
    pub file: String,
    /// Its old side.
    pub old: Option<FunctionSide>,
    /// Its new side.
    pub new: Option<FunctionSide>,
    /// Its lines, in the new order; the lines removed between two lines matched in place come
    /// before those added there, as in a diff.
    pub lines: Vec<LineChange>,
}

impl FunctionChange {
    fn of(old: Option<&SnapshotFunction>, new: Option<&SnapshotFunction>) -> FunctionChange {
        let side = |f: &SnapshotFunction| FunctionSide {
            first_line: f.first_line,
            calls: f.calls,
            figures: f.figures,
        };
        let either = new.or(old).expect("a pair has a side");
        FunctionChange {
            name: either.name.clone(),
            file: either.file.clone(),
            old: old.map(side),
            new: new.map(side),
            lines: match_lines(
                old.map_or(&[][..], |f| &f.lines),
                old.map_or(0, |f| f.first_line),
                new.map_or(&[][..], |f| &f.lines),
                new.map_or(0, |f| f.first_line),
            ),
        }
    }

    /// Whether nothing changed: same figures, calls and lines.
    pub fn is_unchanged(&self) -> bool {
        match (&self.old, &self.new) {
            (Some(o), Some(n)) => {
                o.figures == n.figures
                    && o.calls == n.calls
                    && self.lines.iter().all(LineChange::is_unchanged)
            }
            _ => false,
        }
    }

    /// The change of `figure`, new minus old (a missing side counts as zero).
    pub fn growth(&self, figure: Figure) -> i128 {
        let side = |s: Option<FunctionSide>| s.map_or(0, |s| s.figures.get(figure));
        side(self.new) - side(self.old)
    }
}

/// Matches the lines of a function: the longest common sequence of statements (as a diff
/// matches lines) stays in place; among the rest, equal statements are moved (the nearest
/// place in the function first); the others are added or removed.
fn match_lines(
    old: &[SnapshotLine],
    old_first: u32,
    new: &[SnapshotLine],
    new_first: u32,
) -> Vec<LineChange> {
    let old_keys: Vec<String> = old.iter().map(|l| statement_key(&l.text)).collect();
    let new_keys: Vec<String> = new.iter().map(|l| statement_key(&l.text)).collect();
    let (n, m) = (old.len(), new.len());
    let place = |line: u32, first: u32| i64::from(line) - i64::from(first);
    let distance =
        |i: usize, j: usize| (place(old[i].line, old_first) - place(new[j].line, new_first)).abs();
    // best[i][j]: the best alignment of old[i..] with new[j..]: the most statements matched,
    // then the least distance between their places (equal statements match the nearest).
    let mut best = vec![vec![(0u32, 0i64); m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let mut here = best[i + 1][j].max(best[i][j + 1]);
            if old_keys[i] == new_keys[j] {
                let (count, closeness) = best[i + 1][j + 1];
                here = here.max((count + 1, closeness - distance(i, j)));
            }
            best[i][j] = here;
        }
    }
    // For each new line, its old line and how it matched.
    let mut matched: Vec<Option<(usize, Change)>> = vec![None; m];
    let mut old_used = vec![false; n];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if old_keys[i] == new_keys[j] && {
            let (count, closeness) = best[i + 1][j + 1];
            best[i][j] == (count + 1, closeness - distance(i, j))
        } {
            matched[j] = Some((i, Change::Same));
            old_used[i] = true;
            i += 1;
            j += 1;
        } else if best[i + 1][j] > best[i][j + 1] {
            // (On a tie, the new line is left out: of two statements that swapped places, the
            // one now first is the one that moved.)
            i += 1;
        } else {
            j += 1;
        }
    }
    for j in 0..m {
        if matched[j].is_some() {
            continue;
        }
        let at = place(new[j].line, new_first);
        let nearest = (0..n)
            .filter(|&i| !old_used[i] && old_keys[i] == new_keys[j])
            .min_by_key(|&i| (place(old[i].line, old_first) - at).abs());
        if let Some(i) = nearest {
            old_used[i] = true;
            matched[j] = Some((i, Change::Moved));
        }
    }
    let old_side = |i: usize| Some((old[i].line, old[i].figures));
    let removed = |i: usize| LineChange {
        change: Change::Removed,
        text: old[i].text.clone(),
        old: old_side(i),
        new: None,
    };
    let mut out = Vec::with_capacity(n.max(m));
    // Between two statements matched in place, as a diff shows them: the old lines removed
    // there, then the new lines added or moved there.
    let mut next_old = 0;
    for j in 0..m {
        if next_old < n {
            // The old place this new line comes before: that of the next line matched in place.
            let bound = matched[j..]
                .iter()
                .find_map(|m| match m {
                    Some((i, Change::Same)) => Some(*i),
                    _ => None,
                })
                .unwrap_or(n);
            while next_old < bound {
                if !old_used[next_old] {
                    out.push(removed(next_old));
                }
                next_old += 1;
            }
        }
        if let Some((i, Change::Same)) = matched[j] {
            next_old = i + 1;
        }
        let (change, old) = match matched[j] {
            Some((i, change)) => (change, old_side(i)),
            None => (Change::Added, None),
        };
        out.push(LineChange {
            change,
            text: new[j].text.clone(),
            old,
            new: Some((new[j].line, new[j].figures)),
        });
    }
    out.extend((next_old..n).filter(|&i| !old_used[i]).map(removed));
    out
}

/// A function whose figure grew past its tolerance.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Regression {
    /// The function.
    pub function: String,
    /// The figure that grew.
    pub figure: Figure,
    /// Its old value.
    pub old: i128,
    /// Its new value.
    pub new: i128,
    /// The tolerance it went past.
    pub tolerance: Tolerance,
    /// The most the tolerance allowed.
    pub most: i128,
}

impl fmt::Display for Regression {
    /// `` `parse`: bytes allocated 8,000 B → 16,000 B (+8,000 B, +100.0%), above its tolerance
    /// of +5% (at most 8,400 B) ``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let figure = self.figure;
        let change = self.new - self.old;
        let percent = if self.old > 0 {
            format!(", {:+.1}%", change as f64 * 100.0 / self.old as f64)
        } else {
            String::new()
        };
        write!(
            f,
            "`{}`: {} {} → {} ({}{percent}), above its tolerance of {} (at most {})",
            self.function,
            figure.name(),
            figure.format(self.old),
            figure.format(self.new),
            figure.format_change(change),
            self.tolerance.describe(figure),
            figure.format(self.most)
        )
    }
}

/// The old figures compared with the new: every function, its lines matched, and the
/// functions that regressed. Its `Display` is the line-level diff a failing
/// `#[limit(baseline)]` test prints (see [`Snapshot::compare`]).
#[derive(Clone, Debug)]
pub struct Comparison {
    functions: Vec<FunctionChange>,
    regressions: Vec<Regression>,
    tolerances: Tolerances,
}

impl Comparison {
    /// The functions: those that regressed first, then those that changed, then the others.
    pub fn functions(&self) -> &[FunctionChange] {
        &self.functions
    }

    /// The figures that grew past their tolerance.
    pub fn regressions(&self) -> &[Regression] {
        &self.regressions
    }

    /// Whether a figure grew past its tolerance.
    pub fn regressed(&self) -> bool {
        !self.regressions.is_empty()
    }

    /// Whether no figure, call count or line changed.
    pub fn is_unchanged(&self) -> bool {
        self.functions.iter().all(FunctionChange::is_unchanged)
    }

    /// The tolerances it was compared with.
    pub fn tolerances(&self) -> Tolerances {
        self.tolerances
    }
}

/// `1 call`, `3 calls`.
fn calls(n: u64) -> String {
    format!(
        "{} call{}",
        group_wide(n.into()),
        if n == 1 { "" } else { "s" }
    )
}

impl fmt::Display for Comparison {
    /// Per function, its figures old → new, then its lines that changed: old and new side by
    /// side, `=` the same statement, `~` moved, `+` added, `-` removed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, function) in self.functions.iter().enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            write_function(f, function)?;
        }
        Ok(())
    }
}

fn write_function(f: &mut fmt::Formatter<'_>, function: &FunctionChange) -> fmt::Result {
    let side = function.new.or(function.old).expect("a side");
    write!(
        f,
        "`{}` ({}:{}): ",
        function.name, function.file, side.first_line
    )?;
    let figures = |s: FunctionSide| {
        format!(
            "{} {}, {} {}, {} {}, {}",
            Figure::Bytes.name(),
            Figure::Bytes.format(s.figures.get(Figure::Bytes)),
            Figure::Allocations.name(),
            Figure::Allocations.format(s.figures.get(Figure::Allocations)),
            Figure::Peak.name(),
            Figure::Peak.format(s.figures.get(Figure::Peak)),
            calls(s.calls)
        )
    };
    match (function.old, function.new) {
        (Some(_), Some(new)) if function.is_unchanged() => {
            return writeln!(f, "unchanged, {}", figures(new)).map(|_| ());
        }
        (Some(old), Some(new)) => {
            let mut parts: Vec<String> = Figure::ALL
                .iter()
                .map(|&figure| {
                    let (o, n) = (old.figures.get(figure), new.figures.get(figure));
                    if o == n {
                        format!("{} {}", figure.name(), figure.format(n))
                    } else {
                        format!(
                            "{} {} → {} ({})",
                            figure.name(),
                            figure.format(o),
                            figure.format(n),
                            figure.format_change(n - o)
                        )
                    }
                })
                .collect();
            parts.push(if old.calls == new.calls {
                calls(new.calls)
            } else {
                format!("{} → {}", calls(old.calls), calls(new.calls))
            });
            writeln!(f, "{}", parts.join(", "))?;
        }
        (None, Some(new)) => writeln!(f, "new, {}", figures(new))?,
        (Some(old), None) => writeln!(f, "gone (not called), was {}", figures(old))?,
        (None, None) => unreachable!("a function has a side"),
    }
    // A new or gone function: the lines that allocated; otherwise the lines that changed.
    let shown: Vec<&LineChange> = function
        .lines
        .iter()
        .filter(|l| match (function.old, function.new) {
            (Some(_), Some(_)) => !l.is_unchanged(),
            _ => !l.new.or(l.old).is_some_and(|(_, f)| f.is_zero()),
        })
        .collect();
    if !shown.is_empty() {
        let mut table = Table::new(&[
            "",
            "Line",
            "Bytes old",
            "Bytes new",
            "Change",
            "Allocs old",
            "Allocs new",
            "Peak old",
            "Peak new",
        ]);
        for line in &shown {
            let figure = |side: Option<(u32, Figures)>, figure: Figure| {
                side.map_or(String::new(), |(_, f)| figure.format(f.get(figure)))
            };
            // A removed line's number is its old one, in parentheses.
            let number = match (line.new, line.old) {
                (Some((n, _)), _) => n.to_string(),
                (None, Some((n, _))) => format!("({n})"),
                (None, None) => String::new(),
            };
            let mut text = line.text.clone();
            if let (Change::Moved, Some((from, _))) = (line.change, line.old) {
                let _ = write!(text, "   (moved from line {from})");
            }
            table.row(
                vec![
                    line.change.mark().to_owned(),
                    number,
                    figure(line.old, Figure::Bytes),
                    figure(line.new, Figure::Bytes),
                    Figure::Bytes.format_change(line.growth(Figure::Bytes)),
                    figure(line.old, Figure::Allocations),
                    figure(line.new, Figure::Allocations),
                    figure(line.old, Figure::Peak),
                    figure(line.new, Figure::Peak),
                ],
                text,
            );
        }
        table.render(f, "Line Contents")?;
    }
    let unchanged = function.lines.len() - shown.len();
    if unchanged > 0 && function.old.is_some() && function.new.is_some() {
        let s = if unchanged == 1 { "" } else { "s" };
        writeln!(f, "    ({unchanged} other line{s} unchanged)")?;
    }
    Ok(())
}

/// A table of right-aligned cells (the first one, a mark, left-aligned), then a text column.
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<(Vec<String>, String)>,
}

impl Table {
    pub(crate) fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>, text: String) {
        self.rows.push((cells, text));
    }

    pub(crate) fn render(&self, f: &mut impl fmt::Write, text_header: &str) -> fmt::Result {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|(cells, _)| cells[i].chars().count())
                    .chain([self.header[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String], text: &str| {
            let mut out = String::from("  ");
            for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                if i == 0 {
                    let _ = write!(out, "{cell:<width$}");
                } else {
                    let _ = write!(out, "  {cell:>width$}");
                }
            }
            let _ = write!(out, "   {text}");
            out.trim_end().to_owned()
        };
        let header = line(&self.header, text_header);
        writeln!(f, "{header}")?;
        for (cells, text) in &self.rows {
            writeln!(f, "{}", line(cells, text))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(line: u32, text: &str, bytes: u64) -> SnapshotLine {
        SnapshotLine::new(
            line,
            text,
            Figures::new(bytes, u64::from(bytes > 0), bytes as i64),
        )
    }

    fn function(name: &str, first: u32, lines: Vec<SnapshotLine>) -> SnapshotFunction {
        let bytes = lines.iter().map(|l| l.figures.bytes).sum();
        let allocations = lines.iter().map(|l| l.figures.allocations).sum();
        let peak = lines.iter().map(|l| l.figures.peak).max().unwrap_or(0);
        SnapshotFunction::new(
            name,
            "tests/t.rs",
            first,
            1,
            Figures::new(bytes, allocations, peak),
            lines,
        )
    }

    fn sample() -> Snapshot {
        Snapshot::new(vec![
            function(
                "work",
                10,
                vec![
                    line(12, "let v: Vec<u64> = (0..1000).collect();", 8000),
                    line(13, "let w = helper(10);", 10),
                    line(14, "v.len() + w", 0),
                    line(15, "}", 0),
                ],
            ),
            function(
                "helper",
                2,
                vec![
                    line(4, "vec![0u8; n].len() // the buffer", 10),
                    line(5, "}", 0),
                ],
            ),
        ])
    }

    #[test]
    fn the_file_is_sorted_and_reads_back() {
        let snapshot = sample();
        let text = snapshot.to_string();
        let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            rows,
            [
                "version 1",
                "`helper` calls=1 bytes=10 allocs=1 peak=10 | tests/t.rs:2",
                "`helper` @2 bytes=10 allocs=1 peak=10 | vec![0u8; n].len() // the buffer",
                "`helper` @3 bytes=0 allocs=0 peak=0 | }",
                "`work` calls=1 bytes=8_010 allocs=2 peak=8_000 | tests/t.rs:10",
                "`work` @2 bytes=8_000 allocs=1 peak=8_000 | let v: Vec<u64> = (0..1000).collect();",
                "`work` @3 bytes=10 allocs=1 peak=10 | let w = helper(10);",
                "`work` @4 bytes=0 allocs=0 peak=0 | v.len() + w",
                "`work` @5 bytes=0 allocs=0 peak=0 | }",
            ]
        );
        assert_eq!(Snapshot::parse(&text), Ok(snapshot));
    }

    #[test]
    fn damaged_files_say_where() {
        let good = sample().to_string();
        let cases = [
            ("", "line 1: no `version 1` line"),
            (
                "version 2\n",
                "line 1: the file is in format 2, and this memory-profiler reads format 1",
            ),
            (
                "`work` calls=1 bytes=0 allocs=0 peak=0 | a.rs:1\n",
                "line 1: expected `version 1` before any row",
            ),
            (
                "version 1\n`work` @2 bytes=1 allocs=0 peak=0 | x\n",
                "line 2: the line of `work` comes before",
            ),
            (
                "version 1\n`work` calls=1 bytes=x allocs=0 peak=0 | a.rs:1\n",
                "line 2: `bytes=x` is not a number",
            ),
            (
                "version 1\n`work` calls=1 bytes=1 allocs=0 | a.rs:1\n",
                "line 2: a row of `work` needs `bytes=`",
            ),
            (
                "version 1\n`work` calls=1 bytes=1 allocs=0 peak=0 size=3 | a.rs:1\n",
                "line 2: unknown field `size`",
            ),
            (
                "version 1\n`work` calls=1 bytes=1 allocs=0 peak=0 | a.rs\n",
                "line 2: a function's row ends with ` | FILE:LINE`",
            ),
            (
                "version 1\nwork calls=1\n",
                "line 2: expected a row starting with a function's name in backticks",
            ),
            (
                "version 1\n`work calls=1\n",
                "line 2: the function's name has no closing backtick",
            ),
            (
                "version 1\n`work` calls=1 bytes=1 allocs=0 peak=0\n",
                "line 2: the row of `work` has no ` | `",
            ),
            (
                "version 1\n`work` calls=-1 bytes=1 allocs=0 peak=0 | a.rs:1\n",
                "line 2: `calls=-1` is out of range",
            ),
        ];
        for (text, expected) in cases {
            let err = Snapshot::parse(text).unwrap_err().to_string();
            assert!(err.starts_with(expected), "{text:?}: {err}");
        }
        // A truncated file is read as far as it goes: a row cut in its middle fails.
        let cut = &good[..good.len() - 20];
        assert!(Snapshot::parse(cut).is_err());
    }

    #[test]
    fn tolerances() {
        use Figure::*;
        assert_eq!(Tolerance::parse("+5%", Bytes), Ok(Tolerance::Percent(5.0)));
        assert_eq!(
            Tolerance::parse(" + 2.5 % ", Peak),
            Ok(Tolerance::Percent(2.5))
        );
        assert_eq!(
            Tolerance::parse("+0", Allocations),
            Ok(Tolerance::Amount(0))
        );
        assert_eq!(
            Tolerance::parse("+1_000", Allocations),
            Ok(Tolerance::Amount(1000))
        );
        assert_eq!(Tolerance::parse("+100", Bytes), Ok(Tolerance::Amount(100)));
        assert_eq!(
            Tolerance::parse("+1 KiB", Bytes),
            Ok(Tolerance::Amount(1024))
        );
        assert_eq!(
            Tolerance::parse("+1.5 MB", Peak),
            Ok(Tolerance::Amount(1_500_000))
        );
        let err = |text, figure| Tolerance::parse(text, figure).unwrap_err();
        assert!(err("5%", Bytes).contains("(did you mean \"+5%\"?)"));
        assert!(err("-5%", Bytes).contains("is how much the bytes allocated may grow"));
        assert!(err("+1 KiB", Allocations).contains("whole number of allocations"));
        assert!(err("+1 kb", Bytes).contains("unknown unit \"kb\""));
        assert!(err("+%", Bytes).contains("not a percentage"));
        assert!(err("+0.5 B", Bytes).contains("not a whole number of bytes"));
        assert_eq!(Tolerance::Percent(5.0).most(1_200), 1_260);
        assert_eq!(Tolerance::Percent(5.0).most(10), 10); // 0.5 rounds down
        assert_eq!(Tolerance::Percent(50.0).most(0), 0);
        assert_eq!(Tolerance::Amount(3).most(10), 13);
        assert_eq!(Tolerance::Percent(2.5).describe(Bytes), "+2.5%");
        assert_eq!(Tolerance::Amount(1024).describe(Peak), "+1,024 B");
        assert_eq!(Tolerance::Amount(2).describe(Allocations), "+2");
    }

    #[test]
    fn statement_keys_ignore_spacing_and_trailing_comments() {
        assert_eq!(statement_key("  let  v = 1;   // one"), "let v = 1;");
        assert_eq!(
            statement_key(r#"let s = "a // b"; // c"#),
            r#"let s = "a // b";"#
        );
        assert_eq!(statement_key(r#"let q = '"'; // c"#), r#"let q = '"';"#);
        assert_eq!(
            statement_key(r#"let e = "\"//"; // c"#),
            r#"let e = "\"//";"#
        );
    }

    #[test]
    fn a_comment_above_the_function_changes_nothing() {
        let old = sample();
        let mut moved = sample();
        for f in &mut moved.functions {
            f.first_line += 3;
            for l in &mut f.lines {
                l.line += 3;
            }
        }
        let comparison = old.compare(&moved, &Tolerances::default());
        assert!(comparison.is_unchanged());
        assert!(!comparison.regressed());
    }

    #[test]
    fn moved_added_and_removed_lines() {
        let old = Snapshot::new(vec![function(
            "work",
            10,
            vec![
                line(11, "let a = vec![0u8; 100];", 100),
                line(12, "let b = vec![0u8; 200];", 200),
                line(13, "let c = vec![0u8; 300];", 300),
                line(14, "}", 0),
            ],
        )]);
        // `a` moved below `c`, `b` removed, `d` added; a comment line added above `c`.
        let new = Snapshot::new(vec![function(
            "work",
            10,
            vec![
                line(12, "let d = vec![0u8; 400];", 400),
                line(14, "let c = vec![0u8; 300]; // the third", 300),
                line(15, "let a = vec![0u8; 100];", 100),
                line(16, "}", 0),
            ],
        )]);
        let comparison = old.compare(&new, &Tolerances::default());
        let lines: Vec<(Change, &str, Option<u32>, Option<u32>)> = comparison.functions()[0]
            .lines
            .iter()
            .map(|l| {
                (
                    l.change,
                    l.text.as_str(),
                    l.old.map(|o| o.0),
                    l.new.map(|n| n.0),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                (Change::Removed, "let b = vec![0u8; 200];", Some(12), None),
                (Change::Added, "let d = vec![0u8; 400];", None, Some(12)),
                (
                    Change::Same,
                    "let c = vec![0u8; 300]; // the third",
                    Some(13),
                    Some(14)
                ),
                (Change::Moved, "let a = vec![0u8; 100];", Some(11), Some(15)),
                (Change::Same, "}", Some(14), Some(16)),
            ]
        );
        // 600 bytes then 800: a regression of the function, with the lines that explain it.
        assert_eq!(comparison.regressions().len(), 2);
        let text = comparison.to_string();
        assert!(text.starts_with("`work` (tests/t.rs:10): bytes allocated 600 B → 800 B (+200 B), allocations 3, peak 300 B → 400 B (+100 B), 1 call\n"), "{text}");
        assert!(text.contains("(moved from line 11)"), "{text}");
    }

    #[test]
    fn equal_statements_match_the_nearest() {
        let old = Snapshot::new(vec![function(
            "work",
            0,
            vec![
                line(1, "x.push(1);", 4),
                line(5, "y();", 0),
                line(9, "x.push(1);", 8),
            ],
        )]);
        // `y()` moved above both pushes: the pushes stay in place, in order.
        let new = Snapshot::new(vec![function(
            "work",
            0,
            vec![
                line(1, "y();", 0),
                line(2, "x.push(1);", 4),
                line(9, "x.push(1);", 8),
            ],
        )]);
        let comparison = old.compare(&new, &Tolerances::default());
        let lines: Vec<(Change, Option<u32>, Option<u32>)> = comparison.functions()[0]
            .lines
            .iter()
            .map(|l| (l.change, l.old.map(|o| o.0), l.new.map(|n| n.0)))
            .collect();
        assert_eq!(
            lines,
            [
                (Change::Moved, Some(5), Some(1)),
                (Change::Same, Some(1), Some(2)),
                (Change::Same, Some(9), Some(9)),
            ]
        );
        assert!(!comparison.regressed());
    }

    #[test]
    fn tolerances_gate_functions() {
        let old = sample();
        let mut grown = sample();
        // `helper` allocates 10 more bytes on its line (and `work`, which calls it, too).
        for f in &mut grown.functions {
            f.figures.bytes += 10;
        }
        let zero = Tolerances::default();
        let regressions: Vec<(String, Figure, i128, i128, i128)> = old
            .compare(&grown, &zero)
            .regressions()
            .iter()
            .map(|r| (r.function.clone(), r.figure, r.old, r.new, r.most))
            .collect();
        assert_eq!(
            regressions,
            [
                ("helper".to_owned(), Figure::Bytes, 10, 20, 10),
                ("work".to_owned(), Figure::Bytes, 8010, 8020, 8010),
            ]
        );
        // +1% of 8,010 is 80 bytes: `work` is within it; `helper` (0 of 10) is not.
        let one_percent = Tolerances::new(
            Tolerance::Percent(1.0),
            Tolerance::Amount(0),
            Tolerance::Amount(0),
        );
        let comparison = old.compare(&grown, &one_percent);
        assert_eq!(comparison.regressions().len(), 1);
        assert_eq!(
            comparison.regressions()[0].to_string(),
            "`helper`: bytes allocated 10 B → 20 B (+10 B, +100.0%), above its tolerance of +1% (at most 10 B)"
        );
        // The functions that regressed come first.
        assert_eq!(comparison.functions()[0].name, "helper");
        // Shrinking is no regression.
        assert!(!grown.compare(&old, &zero).regressed());
        let ten = Tolerances::new(
            Tolerance::Amount(10),
            Tolerance::Amount(0),
            Tolerance::Amount(0),
        );
        assert!(!old.compare(&grown, &ten).regressed());
    }

    #[test]
    fn new_and_gone_functions_are_not_gated() {
        let old = sample();
        let mut new = sample();
        new.functions.retain(|f| f.name == "work");
        new.functions.push(function(
            "other",
            30,
            vec![line(31, "let z = vec![1u8; 5];", 5)],
        ));
        let comparison = old.compare(&new, &Tolerances::default());
        assert!(!comparison.regressed());
        let text = comparison.to_string();
        assert!(text.contains("`other` (tests/t.rs:30): new, bytes allocated 5 B, allocations 1, peak 5 B, 1 call\n"), "{text}");
        assert!(
            text.contains("`helper` (tests/t.rs:2): gone (not called), was bytes allocated 10 B"),
            "{text}"
        );
        assert!(
            text.contains("`work` (tests/t.rs:10): unchanged, bytes allocated 8,010 B"),
            "{text}"
        );
    }
}
