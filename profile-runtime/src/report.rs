//! The report model: the figures of one profiled function ([`Report`], its [`Row`]s), the
//! reports of several ([`Reports`], in `reports`), and their text in Python memory_profiler's
//! layout (in `text`).
//!
//! It owns no state and writes nowhere: the recorder's tables build reports
//! (`crate::table`), `crate::output` writes them, the other renderings (`crate::json`,
//! `crate::summary`, `crate::html`) read them. It imports only the contract (`crate::spec`),
//! the heap a report measured (`crate::heap::Measured`), the names (`crate::names`) and the
//! byte formatting (`crate::bytes`).

mod reports;
mod text;

pub use self::reports::{LookupError, Reports};
pub(crate) use self::text::format_figure;
use crate::heap::Measured;
use crate::spec::{FnMeta, Unit};

/// One source line of a report, with its figures in bytes.
///
/// A line that never ran has `occurrences == 0` and zero figures; it prints with empty figure
/// columns.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// #[memory_profiler::profile]
/// fn pick(big: bool) -> Vec<u8> {
///     if big {
///         vec![0; 1000]
///     } else {
///         vec![0; 10]
///     }
/// }
/// let (_, reports) = memory_profiler::capture(|| pick(false));
/// let report = reports.function("pick").unwrap();
/// let taken = report.line_containing("vec![0; 10]").unwrap();
/// assert_eq!((taken.increment, taken.allocations, taken.occurrences), (10, 1, 1));
/// assert!(!report.line_containing("vec![0; 1000]").unwrap().ran());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Row {
    /// The line number in the file.
    pub line: u32,
    /// The source line, as written in the file.
    pub text: &'static str,
    /// The heap in use after the line ran (the largest value over its occurrences).
    pub mem_usage: i64,
    /// The sum over its occurrences of (heap after the line − heap before it).
    pub increment: i64,
    /// The highest heap reached while the line ran, above the heap when it started (the
    /// largest over its occurrences). A reallocation that moves its block counts both blocks.
    pub peak: i64,
    /// The allocations the line made (reallocations not included).
    pub allocations: u64,
    /// The reallocations the line made (a `Vec` or `String` growing in place or moving).
    pub reallocations: u64,
    /// The bytes the line allocated, whatever it freed: its allocations' sizes plus the new
    /// sizes of its reallocations (as [`Usage::bytes_allocated`](crate::Usage) counts them).
    pub bytes_allocated: u64,
    /// How many times the line started.
    pub occurrences: u64,
}

impl Row {
    /// Whether the line ran at least once.
    pub fn ran(&self) -> bool {
        self.occurrences > 0
    }
}

/// The line-by-line report of a profiled function: what is printed after each call, and what
/// [`capture`](crate::capture) hands back.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// #[memory_profiler::profile(unit = "B")]
/// fn squares(n: u64) -> u64 {
///     let v: Vec<u64> = (0..n).map(|i| i * i).collect();
///     v.iter().sum()
/// }
/// let (_, reports) = memory_profiler::capture(|| squares(100));
/// let report = reports.function("squares").unwrap();
/// assert_eq!(report.calls(), 1);
/// assert_eq!(report.line_containing("collect()").unwrap().increment, 800);
/// assert_eq!(report.rows().last().unwrap().increment, -800); // `v` dropped at `}`
/// // Display prints memory_profiler's layout.
/// assert!(report.to_string().starts_with("Filename: "));
/// ```
#[derive(Clone, Debug)]
pub struct Report {
    /// The qualified name (`Inventory::new`).
    function: &'static str,
    /// The name after `fn` (`new`).
    name: &'static str,
    module_path: &'static str,
    file: &'static str,
    rows: Vec<Row>,
    /// The highest the heap went above its entry in any of the calls.
    peak: i64,
    measured: Measured,
    panicked: bool,
    cancelled: bool,
    /// The report sums a whole run's calls (`report = "exit"`): its heading says how many.
    run_wide: bool,
    /// The first row is the attribute's, the calls' entry (see [`Report::code_rows`]).
    attribute_row: bool,
    pub(crate) precision: usize,
    pub(crate) unit: Unit,
    show_peak: bool,
    show_allocs: bool,
}

impl Report {
    pub(crate) fn new(
        meta: &'static FnMeta,
        rows: Vec<Row>,
        peak: i64,
        measured: Measured,
        panicked: bool,
        cancelled: bool,
    ) -> Report {
        Report {
            function: crate::names::function_name(meta),
            name: meta.name,
            module_path: meta.module_path,
            file: meta.file,
            rows,
            peak,
            measured,
            panicked,
            cancelled,
            run_wide: false,
            attribute_row: meta.attribute_row,
            precision: meta.options.precision,
            unit: meta.options.unit,
            show_peak: meta.options.peak,
            show_allocs: meta.options.allocs,
        }
    }

    /// A report read back from its JSON (by `mprof html`): the text options are the
    /// defaults, with the Peak and Allocs columns. The function's own name is its qualified
    /// name's last part, and its first row is an attribute's when its text is one (a
    /// function profiled through its impl, trait or module starts at its signature).
    pub(crate) fn from_parts(
        (function, module_path, file): (&'static str, &'static str, &'static str),
        rows: Vec<Row>,
        peak: i64,
        measured: Measured,
        (panicked, cancelled, run_wide): (bool, bool, bool),
    ) -> Report {
        let name = function.rsplit("::").next().unwrap_or(function);
        let attribute_row = rows
            .first()
            .is_some_and(|row| row.text.trim_start().starts_with("#["));
        Report {
            function,
            name,
            module_path,
            file,
            rows,
            peak,
            measured,
            panicked,
            cancelled,
            run_wide,
            attribute_row,
            precision: 1,
            unit: Unit::MiB,
            show_peak: true,
            show_allocs: true,
        }
    }

    /// The report of one outermost call with its Mem usage relative to the heap at the call's
    /// entry (the attribute's row then shows 0).
    pub(crate) fn into_relative(mut self) -> Report {
        let Some(entry) = self
            .rows
            .first()
            .filter(|row| row.ran())
            .map(|row| row.mem_usage)
        else {
            return self;
        };
        for (i, row) in self.rows.iter_mut().enumerate() {
            if row.ran() {
                row.mem_usage -= entry;
                if i == 0 {
                    row.increment = row.mem_usage;
                }
            }
        }
        self
    }

    /// The report as one of a run's (its heading says how many calls it sums).
    pub(crate) fn into_run_wide(mut self) -> Report {
        self.run_wide = true;
        self
    }

    /// Whether the report sums the calls of a whole run (`report = "exit"`), rather than one
    /// outermost call (or the calls of one `capture`).
    pub fn is_run_wide(&self) -> bool {
        self.run_wide
    }

    /// The function's name as a Rust programmer writes it: a method with its type
    /// (`Inventory::new`, `<Inventory as Summarize>::total`, `Stack<T>::push`), a trait's
    /// default method with its trait (`Describe::describe`), a free function by its name (its
    /// module is [`Report::module_path`]). The text report's heading, the JSON's `"function"`
    /// and the run's summary print this name.
    ///
    /// A method is named by the impl or trait header when the attribute is on the impl or the
    /// trait (or a module around it). A method annotated on its own cannot see its impl: when it
    /// takes `self`, it is named by the type of `self`, without module paths and with generic
    /// arguments as `_` (`Stack<_>::push`); otherwise by its own name.
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// # use memory_profiler::profile;
    /// pub struct Inventory(Vec<u32>);
    ///
    /// #[profile]
    /// impl Inventory {
    ///     pub fn new() -> Self {
    ///         Inventory(Vec::with_capacity(8))
    ///     }
    /// }
    ///
    /// pub trait Summarize {
    ///     fn total(&self) -> u32;
    /// }
    ///
    /// #[profile]
    /// impl Summarize for Inventory {
    ///     fn total(&self) -> u32 {
    ///         self.0.iter().sum()
    ///     }
    /// }
    ///
    /// let (_, reports) = memory_profiler::capture(|| Inventory::new().total());
    /// let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
    /// assert_eq!(names, ["Inventory::new", "<Inventory as Summarize>::total"]);
    /// assert_eq!(reports.function("total").unwrap().name(), "total");
    /// ```
    pub fn function(&self) -> &'static str {
        self.function
    }

    /// The function's own name, as written after `fn` (`new` for `Inventory::new`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The module the function is in (`module_path!()`).
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// The source file (`file!()`), as printed on the `Filename:` line.
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// Every row, from the attribute's line to the closing brace. (A function profiled
    /// through the attribute on its impl, trait or module has no attribute line of its own:
    /// its rows start at its signature's line.)
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The rows of the function's lines: every row but the attribute's, which shows the heap
    /// at the calls' entry (as memory_profiler's decorator row does). A function profiled
    /// through the attribute on its impl, trait or module has no such row: its first row is
    /// its signature's line, a line like the others. Their increments add up to what the
    /// calls left allocated.
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// #[memory_profiler::profile]
    /// fn kept() -> Vec<u8> {
    ///     let v = vec![0u8; 100];
    ///     v
    /// }
    ///
    /// pub struct Words;
    ///
    /// #[memory_profiler::profile]
    /// impl Words {
    ///     // Written on one line: its code is on the signature's row.
    ///     pub fn one(&self) -> String { String::from("one") }
    /// }
    ///
    /// let (_, reports) = memory_profiler::capture(|| (kept(), Words.one()));
    /// for report in &reports {
    ///     let net: i64 = report.code_rows().iter().map(|row| row.increment).sum();
    ///     assert_eq!(net, if report.name() == "kept" { 100 } else { 3 });
    /// }
    /// // `fn kept() -> Vec<u8> {`, the two lines of its body, `}`.
    /// assert_eq!(reports.function("kept").unwrap().code_rows().len(), 4);
    /// assert_eq!(reports.function("one").unwrap().code_rows().len(), 1);
    /// ```
    pub fn code_rows(&self) -> &[Row] {
        if self.attribute_row {
            self.rows.get(1..).unwrap_or_default()
        } else {
            &self.rows
        }
    }

    /// The row of line number `line`, if the function spans it.
    pub fn line(&self, line: u32) -> Option<&Row> {
        let first = self.rows.first()?.line;
        self.rows.get(line.checked_sub(first)? as usize)
    }

    /// The first row whose source contains `needle`.
    pub fn line_containing(&self, needle: &str) -> Option<&Row> {
        self.rows.iter().find(|row| row.text.contains(needle))
    }

    /// How many calls the report sums up (the occurrences of the attribute's row; the nested
    /// calls of a recursive function included).
    pub fn calls(&self) -> u64 {
        self.rows.first().map_or(0, |row| row.occurrences)
    }

    /// The highest the heap went above where it was when a call began, over the report's
    /// calls (for a recursive function, its outermost calls).
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// #[memory_profiler::profile]
    /// fn temporary() -> usize {
    ///     let n = vec![0u8; 4000].len();
    ///     n + vec![0u8; 1000].len()
    /// }
    /// let (_, reports) = memory_profiler::capture(temporary);
    /// assert_eq!(reports.function("temporary").unwrap().peak(), 4000);
    /// ```
    pub fn peak(&self) -> i64 {
        self.peak
    }

    /// The bytes the function allocated over its calls (the sum of its lines').
    pub fn bytes_allocated(&self) -> u64 {
        self.rows.iter().map(|row| row.bytes_allocated).sum()
    }

    /// The allocations the function made over its calls (the sum of its lines').
    pub fn allocations(&self) -> u64 {
        self.rows.iter().map(|row| row.allocations).sum()
    }

    /// The reallocations the function made over its calls (the sum of its lines').
    pub fn reallocations(&self) -> u64 {
        self.rows.iter().map(|row| row.reallocations).sum()
    }

    /// Whether a call of this report ended in a panic.
    pub fn panicked(&self) -> bool {
        self.panicked
    }

    /// Whether a call of this report was an `async fn` future dropped before it completed.
    pub fn cancelled(&self) -> bool {
        self.cancelled
    }

    /// What the figures measure.
    pub fn measured(&self) -> Measured {
        self.measured
    }

    /// Adds the figures of another report of the same function (used by `capture`, which sums
    /// the calls made during its closure).
    pub(crate) fn absorb(&mut self, other: Report) {
        for (i, (mine, theirs)) in self.rows.iter_mut().zip(other.rows).enumerate() {
            if !theirs.ran() {
                continue;
            }
            mine.mem_usage = if mine.ran() {
                mine.mem_usage.max(theirs.mem_usage)
            } else {
                theirs.mem_usage
            };
            // The attribute's row shows the heap at entry in both columns.
            mine.increment = if i == 0 && self.attribute_row {
                mine.mem_usage
            } else {
                mine.increment + theirs.increment
            };
            mine.peak = mine.peak.max(theirs.peak);
            mine.allocations += theirs.allocations;
            mine.reallocations += theirs.reallocations;
            mine.bytes_allocated += theirs.bytes_allocated;
            mine.occurrences += theirs.occurrences;
        }
        self.peak = self.peak.max(other.peak);
        self.panicked |= other.panicked;
        self.cancelled |= other.cancelled;
    }

    pub(crate) fn rows_first_line(&self) -> u32 {
        self.rows.first().map_or(0, |row| row.line)
    }

    pub(crate) fn same_function(&self, other: &Report) -> bool {
        self.function == other.function
            && self.file == other.file
            && self.rows_first_line() == other.rows_first_line()
    }
}
