//! The report model: the figures of one profiled function ([`Report`], its [`Row`]s), the
//! reports of several ([`Reports`]), and their text in Python memory_profiler's layout.
//!
//! It owns no state and writes nowhere: the recorder builds reports, `crate::output` writes
//! them. It imports only the contract (`crate::spec`).

use std::fmt::{self, Write as _};

use crate::bytes::group;
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

    fn figure(&self, bytes: i64) -> String {
        format_figure(bytes, self.unit, self.precision)
    }
}

/// Formats a figure as memory_profiler does: `{:width.precision} MiB` with width
/// `precision + 4`; bytes print as whole numbers with their digits grouped by threes, as the
/// limit messages print them (`800,000 B`).
pub(crate) fn format_figure(bytes: i64, unit: Unit, precision: usize) -> String {
    match unit {
        Unit::B => format!("{} B", group(bytes)),
        _ => format!(
            "{:>width$.precision$} {}",
            bytes as f64 / unit.divisor(),
            unit.suffix(),
            width = precision + 4,
        ),
    }
}

impl fmt::Display for Report {
    /// memory_profiler's layout: `Filename:`, a blank line, the header, a rule of `=`, one row
    /// per source line, then two blank lines. A method's report names it on a line of its own
    /// under `Filename:` (`Function: Inventory::new`), and a run-wide report names the function
    /// there with how many calls it sums.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The figure columns are memory_profiler's 12 characters, or as wide as the widest
        // figure of the report, so that they stay aligned.
        let w = self
            .rows
            .iter()
            .filter(|row| row.ran())
            .flat_map(|row| [row.mem_usage, row.increment, row.peak])
            .map(|bytes| self.figure(bytes).chars().count())
            .fold(12, usize::max);
        // The columns: the figures, then Occurrences, then (with `allocs`) the counts.
        let columns = |f: &mut fmt::Formatter<'_>, cells: [&str; 8]| {
            let [line, mem, inc, peak, occ, allocs, reallocs, text] = cells;
            write!(f, "{line:>6} {mem:>w$} {inc:>w$}")?;
            if self.show_peak {
                write!(f, " {peak:>w$}")?;
            }
            write!(f, "  {occ:>10}")?;
            if self.show_allocs {
                write!(f, "  {allocs:>10}  {reallocs:>10}")?;
            }
            writeln!(f, "   {text}")
        };
        writeln!(f, "Filename: {}", self.file)?;
        if self.run_wide {
            let calls = self.calls();
            let s = if calls == 1 { "" } else { "s" };
            writeln!(
                f,
                "Function: {}, {} call{s} over the whole run",
                self.function,
                group(calls as i64)
            )?;
        } else if self.function != self.name {
            // A method: its report says whose (its signature's line says only `fn new`).
            writeln!(f, "Function: {}", self.function)?;
        }
        writeln!(f)?;
        let mut header = String::new();
        write!(
            header,
            "{:>6} {:>w$} {:>w$}",
            "Line #", "Mem usage", "Increment"
        )?;
        if self.show_peak {
            write!(header, " {:>w$}", "Peak")?;
        }
        write!(header, "  {:>10}", "Occurrences")?;
        if self.show_allocs {
            write!(header, "  {:>10}  {:>10}", "Allocs", "Reallocs")?;
        }
        write!(header, "   Line Contents")?;
        writeln!(f, "{header}")?;
        writeln!(f, "{}", "=".repeat(header.chars().count()))?;
        let first_line = self.rows_first_line();
        for row in &self.rows {
            let line = row.line.to_string();
            if !row.ran() {
                columns(f, [&line, "", "", "", "", "", "", row.text])?;
                continue;
            }
            let (mem, inc, occ) = (
                self.figure(row.mem_usage),
                self.figure(row.increment),
                row.occurrences.to_string(),
            );
            // The attribute's row is the calls' entry: it has no Peak nor counts of its own.
            if row.line == first_line && self.attribute_row {
                columns(f, [&line, &mem, &inc, "", &occ, "", "", row.text])?;
            } else {
                let peak = self.figure(row.peak);
                let (allocs, reallocs) =
                    (row.allocations.to_string(), row.reallocations.to_string());
                columns(
                    f,
                    [&line, &mem, &inc, &peak, &occ, &allocs, &reallocs, row.text],
                )?;
            }
        }
        if self.panicked {
            writeln!(f, "memory_profiler: a call of `{}` ended in a panic; its figures run up to the unwinding.", self.function)?;
        }
        if self.cancelled {
            writeln!(
                f,
                "memory_profiler: a call of `{}` was dropped before it completed (a cancelled future); its figures run up to its last poll.",
                self.function
            )?;
        }
        match self.measured {
            Measured::ThreadHeap | Measured::ProcessHeap => {}
            Measured::StatsAlloc => writeln!(f, "memory_profiler: figures are stats_alloc's process-wide counters; Peak is not tracked by stats_alloc.")?,
            Measured::ResidentSetSize => writeln!(
                f,
                "memory_profiler: no counting allocator, figures are the resident set size; for exact heap figures add `#[global_allocator] static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();`"
            )?,
        }
        writeln!(f)?;
        writeln!(f)
    }
}

/// The reports handed back by [`capture`](crate::capture): one per profiled function called
/// during its closure.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// #[memory_profiler::profile]
/// fn a() -> Vec<u8> { vec![1; 10] }
/// #[memory_profiler::profile]
/// fn b() -> usize { a().len() + a().len() }
///
/// let (_, reports) = memory_profiler::capture(b);
/// let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
/// assert_eq!(names, ["a", "b"]); // in the order they finished
/// assert_eq!(reports.function("a").unwrap().calls(), 2); // both calls, summed
/// ```
#[derive(Clone, Debug, Default)]
pub struct Reports {
    reports: Vec<Report>,
}

impl Reports {
    /// The report of the function named `name`: its qualified name (`Inventory::new`,
    /// `<Inventory as Summarize>::total`, see [`Report::function`]), or its own name (`new`)
    /// when no other reported function has it. `None` when no report has that name.
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// # use memory_profiler::profile;
    /// pub struct Inventory(Vec<u32>);
    /// pub struct Order(Vec<u32>);
    ///
    /// #[profile]
    /// impl Inventory {
    ///     pub fn new() -> Self { Inventory(Vec::with_capacity(8)) }
    ///     pub fn count(&self) -> usize { self.0.len() }
    /// }
    ///
    /// #[profile]
    /// impl Order {
    ///     pub fn new() -> Self { Order(Vec::with_capacity(2)) }
    /// }
    ///
    /// let (_, reports) = memory_profiler::capture(|| (Inventory::new().count(), Order::new()));
    /// assert_eq!(reports.function("Order::new").unwrap().calls(), 1);
    /// assert_eq!(reports.function("count").unwrap().function(), "Inventory::count");
    /// assert!(reports.function("Order::count").is_none());
    /// ```
    ///
    /// # Panics
    ///
    /// When `name` is a bare name that several reported functions have (`new` above), naming
    /// them, as tests want it: picking one would check the wrong function's figures, and `None`
    /// would read as "not called". [`Reports::try_function`] returns that as an error instead.
    ///
    /// ```should_panic
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// # pub struct Inventory;
    /// # pub struct Order;
    /// # #[memory_profiler::profile] impl Inventory { pub fn new() -> Self { Inventory } }
    /// # #[memory_profiler::profile] impl Order { pub fn new() -> Self { Order } }
    /// let (_, reports) = memory_profiler::capture(|| (Inventory::new(), Order::new()));
    /// // panics: "`new` names several profiled functions: `Inventory::new`, `Order::new`; ..."
    /// reports.function("new");
    /// ```
    #[track_caller]
    pub fn function(&self, name: &str) -> Option<&Report> {
        match self.try_function(name) {
            Ok(report) => Some(report),
            Err(LookupError::NotFound { .. }) => None,
            Err(ambiguous) => panic!("{ambiguous}"),
        }
    }

    /// The report of the function named `name`, as [`Reports::function`] finds it, or why there
    /// is none: no reported function has that name ([`LookupError::NotFound`], with the names
    /// there are), or several have it as their own name ([`LookupError::Ambiguous`], with
    /// their qualified names).
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// # use memory_profiler::{profile, LookupError};
    /// pub struct Inventory;
    /// pub struct Order;
    /// #[profile]
    /// impl Inventory {
    ///     pub fn new() -> Self { Inventory }
    /// }
    /// #[profile]
    /// impl Order {
    ///     pub fn new() -> Self { Order }
    /// }
    ///
    /// let (_, reports) = memory_profiler::capture(|| (Inventory::new(), Order::new()));
    /// let err = reports.try_function("new").unwrap_err();
    /// assert_eq!(err, LookupError::Ambiguous {
    ///     name: "new".into(),
    ///     matches: vec!["Inventory::new", "Order::new"],
    /// });
    /// assert_eq!(
    ///     err.to_string(),
    ///     "`new` names several profiled functions: `Inventory::new`, `Order::new`; write the one you mean"
    /// );
    /// assert_eq!(
    ///     reports.try_function("old").unwrap_err().to_string(),
    ///     "no profiled function named `old` reported; the reports are of `Inventory::new`, `Order::new`"
    /// );
    /// assert_eq!(reports.try_function("Order::new").unwrap().function(), "Order::new");
    /// ```
    pub fn try_function(&self, name: &str) -> Result<&Report, LookupError> {
        if let Some(report) = self.reports.iter().find(|r| r.function == name) {
            return Ok(report);
        }
        let mut matches = self.reports.iter().filter(|r| r.name == name);
        match (matches.next(), matches.next()) {
            (Some(report), None) => Ok(report),
            (None, _) => Err(LookupError::NotFound {
                name: name.to_owned(),
                reported: self.reports.iter().map(|r| r.function).collect(),
            }),
            (Some(_), Some(_)) => Err(LookupError::Ambiguous {
                name: name.to_owned(),
                matches: self
                    .reports
                    .iter()
                    .filter(|r| r.name == name)
                    .map(|r| r.function)
                    .collect(),
            }),
        }
    }

    /// The reports in the order their functions were first completed.
    pub fn iter(&self) -> std::slice::Iter<'_, Report> {
        self.reports.iter()
    }

    /// How many functions reported.
    pub fn len(&self) -> usize {
        self.reports.len()
    }

    /// Whether no profiled function was called.
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// Adds the report of a function not in the list yet.
    pub(crate) fn push(&mut self, report: Report) {
        self.reports.push(report);
    }

    /// Orders the reports by file, then by line.
    pub(crate) fn sort_by_place(&mut self) {
        self.reports
            .sort_by(|a, b| (a.file, a.rows_first_line()).cmp(&(b.file, b.rows_first_line())));
    }

    /// Adds a report: summed into the one of the same function, if there is one.
    pub(crate) fn add(&mut self, report: Report) {
        match self.reports.iter_mut().find(|r| r.same_function(&report)) {
            Some(mine) => mine.absorb(report),
            None => self.reports.push(report),
        }
    }
}

/// Why [`Reports::try_function`] found no report.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LookupError {
    /// No reported function has that name, qualified or its own.
    NotFound {
        /// The name looked up.
        name: String,
        /// The qualified names of the functions that reported.
        reported: Vec<&'static str>,
    },
    /// Several reported functions have that name as their own name (`new` for
    /// `Inventory::new` and `Order::new`).
    Ambiguous {
        /// The name looked up.
        name: String,
        /// Their qualified names, in the reports' order.
        matches: Vec<&'static str>,
    },
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |names: &[&str]| {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            LookupError::NotFound { name, reported } if reported.is_empty() => {
                write!(f, "no profiled function named `{name}` reported; no profiled function reported at all")
            }
            LookupError::NotFound { name, reported } => write!(
                f,
                "no profiled function named `{name}` reported; the reports are of {}",
                list(reported)
            ),
            LookupError::Ambiguous { name, matches } => write!(
                f,
                "`{name}` names several profiled functions: {}; write the one you mean",
                list(matches)
            ),
        }
    }
}

impl std::error::Error for LookupError {}

impl<'a> IntoIterator for &'a Reports {
    type Item = &'a Report;
    type IntoIter = std::slice::Iter<'a, Report>;
    fn into_iter(self) -> Self::IntoIter {
        self.reports.iter()
    }
}

impl IntoIterator for Reports {
    type Item = Report;
    type IntoIter = std::vec::IntoIter<Report>;
    fn into_iter(self) -> Self::IntoIter {
        self.reports.into_iter()
    }
}

impl fmt::Display for Reports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reports.iter().try_for_each(|r| r.fmt(f))
    }
}
