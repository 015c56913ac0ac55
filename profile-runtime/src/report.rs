//! Reports: the figures of one profiled function, printed in Python memory_profiler's layout.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::sync::Mutex;

use crate::bytes::group;
use crate::recorder::{FnMeta, Options, Stream};

/// The unit of a report's figures (`#[profile(unit = "KiB")]`). The default is MiB, as in
/// memory_profiler.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// #[memory_profiler::profile(unit = "KiB", precision = 2)]
/// fn two_kib() -> usize {
///     let v: Vec<u8> = Vec::with_capacity(2048);
///     v.capacity()
/// }
/// let (_, reports) = memory_profiler::capture(two_kib);
/// let text = reports.function("two_kib").unwrap().to_string();
/// assert!(text.contains("    2.00 KiB           1       let v: Vec<u8> = Vec::with_capacity(2048);"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Unit {
    /// Bytes, printed as whole numbers.
    B,
    /// 1,024 bytes.
    KiB,
    /// 1,048,576 bytes.
    #[default]
    MiB,
    /// 1,073,741,824 bytes.
    GiB,
}

impl Unit {
    fn divisor(self) -> f64 {
        match self {
            Unit::B => 1.0,
            Unit::KiB => 1024.0,
            Unit::MiB => 1024.0 * 1024.0,
            Unit::GiB => 1024.0 * 1024.0 * 1024.0,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Unit::B => "B",
            Unit::KiB => "KiB",
            Unit::MiB => "MiB",
            Unit::GiB => "GiB",
        }
    }
}

/// What a report's figures measure.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// #[memory_profiler::profile]
/// fn nothing() {}
/// let (_, reports) = memory_profiler::capture(nothing);
/// let report = reports.function("nothing").unwrap();
/// assert_eq!(report.measured(), memory_profiler::Measured::ThreadHeap);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Measured {
    /// The heap of the calling thread, counted by [`Allocator`](crate::Allocator): exact.
    ThreadHeap,
    /// The heap of all threads, counted by [`Allocator`](crate::Allocator) while the report's
    /// call ran (`threads = "all"`): exact, relative to when process-wide counting started.
    ProcessHeap,
    /// The process-wide counters of a `stats_alloc::StatsAlloc` global allocator.
    StatsAlloc,
    /// No counting allocator is installed: the resident set size of the process, read from
    /// `/proc/self/statm`, as memory_profiler does.
    ResidentSetSize,
}

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
    function: &'static str,
    module_path: &'static str,
    file: &'static str,
    rows: Vec<Row>,
    measured: Measured,
    panicked: bool,
    cancelled: bool,
    precision: usize,
    unit: Unit,
    show_peak: bool,
    show_allocs: bool,
}

impl Report {
    pub(crate) fn new(
        meta: &'static FnMeta,
        rows: Vec<Row>,
        measured: Measured,
        panicked: bool,
        cancelled: bool,
    ) -> Report {
        Report {
            function: meta.name,
            module_path: meta.module_path,
            file: meta.file,
            rows,
            measured,
            panicked,
            cancelled,
            precision: meta.options.precision,
            unit: meta.options.unit,
            show_peak: meta.options.peak,
            show_allocs: meta.options.allocs,
        }
    }

    /// The function's name.
    pub fn function(&self) -> &'static str {
        self.function
    }

    /// The module the function is in (`module_path!()`).
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// The source file (`file!()`), as printed on the `Filename:` line.
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// Every row, from the attribute's line to the closing brace.
    pub fn rows(&self) -> &[Row] {
        &self.rows
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

    /// How many calls the report sums up (the occurrences of the attribute's row).
    pub fn calls(&self) -> u64 {
        self.rows.first().map_or(0, |row| row.occurrences)
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
            mine.increment = if i == 0 {
                mine.mem_usage
            } else {
                mine.increment + theirs.increment
            };
            mine.peak = mine.peak.max(theirs.peak);
            mine.allocations += theirs.allocations;
            mine.occurrences += theirs.occurrences;
        }
        self.panicked |= other.panicked;
        self.cancelled |= other.cancelled;
    }

    fn rows_first_line(&self) -> u32 {
        self.rows.first().map_or(0, |row| row.line)
    }

    fn same_function(&self, other: &Report) -> bool {
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
fn format_figure(bytes: i64, unit: Unit, precision: usize) -> String {
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
    /// per source line, then two blank lines.
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
        let columns = |f: &mut fmt::Formatter<'_>,
                       line: &str,
                       mem: &str,
                       inc: &str,
                       peak: &str,
                       occ: &str,
                       allocs: &str,
                       text: &str| {
            write!(f, "{line:>6} {mem:>w$} {inc:>w$}")?;
            if self.show_peak {
                write!(f, " {peak:>w$}")?;
            }
            write!(f, "  {occ:>10}")?;
            if self.show_allocs {
                write!(f, "  {allocs:>10}")?;
            }
            writeln!(f, "   {text}")
        };
        writeln!(f, "Filename: {}", self.file)?;
        writeln!(f)?;
        let mut header = String::new();
        {
            // Render the header once into a string to know the rule's length.
            struct Adapter<'a>(&'a mut String);
            impl fmt::Write for Adapter<'_> {
                fn write_str(&mut self, s: &str) -> fmt::Result {
                    self.0.push_str(s);
                    Ok(())
                }
            }
            let mut a = Adapter(&mut header);
            write!(a, "{:>6} {:>w$} {:>w$}", "Line #", "Mem usage", "Increment")?;
            if self.show_peak {
                write!(a, " {:>w$}", "Peak")?;
            }
            write!(a, "  {:>10}", "Occurrences")?;
            if self.show_allocs {
                write!(a, "  {:>10}", "Allocs")?;
            }
            write!(a, "   Line Contents")?;
        }
        writeln!(f, "{header}")?;
        writeln!(f, "{}", "=".repeat(header.chars().count()))?;
        for row in &self.rows {
            let line = row.line.to_string();
            if row.ran() {
                let (mem, inc, peak) = (
                    self.figure(row.mem_usage),
                    self.figure(row.increment),
                    self.figure(row.peak),
                );
                let first = row.line == self.rows_first_line();
                let peak = if first { String::new() } else { peak };
                let allocs = if first {
                    String::new()
                } else {
                    row.allocations.to_string()
                };
                columns(
                    f,
                    &line,
                    &mem,
                    &inc,
                    &peak,
                    &row.occurrences.to_string(),
                    &allocs,
                    row.text,
                )?;
            } else {
                columns(f, &line, "", "", "", "", "", row.text)?;
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
    /// The report of the function named `name` (the first one, if several functions share
    /// the name).
    pub fn function(&self, name: &str) -> Option<&Report> {
        self.reports.iter().find(|r| r.function == name)
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

    fn add(&mut self, report: Report) {
        match self.reports.iter_mut().find(|r| r.same_function(&report)) {
            Some(mine) => mine.absorb(report),
            None => self.reports.push(report),
        }
    }
}

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

thread_local! {
    /// The last report of a `limit`ed function's body, until its limit guard takes it.
    static HELD: RefCell<Option<Report>> = const { RefCell::new(None) };
}

/// Takes the report a `limit`ed function's body left (with counting paused).
pub(crate) fn take_held() -> Option<Report> {
    HELD.try_with(|held| held.borrow_mut().take())
        .ok()
        .flatten()
}

thread_local! {
    /// Open `capture` scopes of this thread, innermost last.
    static CAPTURES: RefCell<Vec<Reports>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` and hands back, instead of printing them, the reports of every `#[profile]`
/// function it called on this thread, each function's calls summed into one report.
///
/// ```
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// #[memory_profiler::profile]
/// fn squares(n: u64) -> Vec<u64> {
///     let v: Vec<u64> = (0..n).map(|i| i * i).collect();
///     v
/// }
///
/// let (v, reports) = memory_profiler::capture(|| squares(1000));
/// let report = reports.function("squares").unwrap();
/// let row = report.line_containing("collect()").unwrap();
/// assert_eq!((row.increment, row.allocations, row.occurrences), (8000, 1, 1));
/// assert_eq!(v.len(), 1000);
/// ```
///
/// Captures nest: a report goes to the innermost open one. A panic in `f` propagates
/// unchanged (the reports of the scope are dropped).
///
/// # Panics
/// If neither [`Allocator`](crate::Allocator) is the global allocator nor a stats_alloc backend
/// was set ([`use_stats_alloc`](crate::use_stats_alloc)): the figures would be the resident set
/// size, too coarse to test, so it says which lines to add instead.
#[track_caller]
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Reports) {
    if crate::backend::external().is_none() {
        crate::measure::require_allocator();
    }
    struct Scope;
    impl Drop for Scope {
        fn drop(&mut self) {
            // Only reached on unwinding: the normal path pops the scope itself.
            crate::alloc::untracked(|| {
                let _ = CAPTURES.try_with(|c| c.borrow_mut().pop());
            });
        }
    }
    crate::alloc::untracked(|| CAPTURES.with(|c| c.borrow_mut().push(Reports::default())));
    let scope = Scope;
    let value = f();
    std::mem::forget(scope);
    let reports =
        crate::alloc::untracked(|| CAPTURES.with(|c| c.borrow_mut().pop())).unwrap_or_default();
    (value, reports)
}

/// What the writers of this process remember: the files written to (the first report to a
/// file truncates it, later ones append) and the streams already said to fail. Holding its
/// lock while writing keeps the reports of concurrent threads whole.
struct Output {
    opened: Vec<&'static str>,
    failed: Vec<Stream>,
}

static OUTPUT: Mutex<Output> = Mutex::new(Output {
    opened: Vec::new(),
    failed: Vec::new(),
});

/// Writes to stdout or stderr through `print!`/`eprint!`, so that the test harness captures
/// the reports of passing tests as it captures their other output. Those macros panic when the
/// stream is closed; that panic is caught, and once a stream has failed (or while the thread
/// unwinds, or where panics abort) the stream is written directly instead, which reports
/// errors without panicking.
fn print_captured(text: &str, stderr: bool, failed_before: bool) -> std::io::Result<()> {
    #[cfg(panic = "unwind")]
    if !failed_before && !std::thread::panicking() {
        let printed = std::panic::catch_unwind(|| {
            if stderr {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
        });
        return printed.map_err(|_| {
            std::io::Error::other("printing failed (the panic message above is the profiler's, caught: the program goes on)")
        });
    }
    let _ = failed_before;
    if stderr {
        std::io::stderr().lock().write_all(text.as_bytes())
    } else {
        std::io::stdout().lock().write_all(text.as_bytes())
    }
}

/// The environment variable that sets the format of every report of a run: `json` or `text`
/// (case-insensitive), over the attribute's `format` option.
pub const FORMAT_VAR: &str = "MEMORY_PROFILER_FORMAT";

/// The format a report is written in: `MEMORY_PROFILER_FORMAT` if set (read once), else the
/// attribute's. An unknown value is said once on stderr and ignored.
fn format(attribute: crate::recorder::Format) -> crate::recorder::Format {
    use crate::recorder::Format;
    static OVERRIDE: std::sync::OnceLock<Option<Format>> = std::sync::OnceLock::new();
    let chosen = OVERRIDE.get_or_init(|| {
        let value = std::env::var(FORMAT_VAR).ok()?;
        match value.trim().to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "text" => Some(Format::Text),
            "" => None,
            _ => {
                let _ = writeln!(
                    std::io::stderr(),
                    "memory_profiler: {FORMAT_VAR}={value:?} is neither \"json\" nor \"text\"; reports use their attribute's format"
                );
                None
            }
        }
    });
    chosen.unwrap_or(attribute)
}

/// Hands a finished report to the innermost `capture`, or writes it to its stream (in its
/// format, see [`format`]; under `mprof run`, only if reports were asked for).
/// Called with counting paused.
pub(crate) fn emit(report: Report, options: &Options) {
    if options.stream == Stream::Held {
        let _ = HELD.try_with(|held| *held.borrow_mut() = Some(report));
        return;
    }
    let report = match CAPTURES.try_with(|c| match c.try_borrow_mut() {
        Ok(mut scopes) => match scopes.last_mut() {
            Some(top) => {
                top.add(report);
                None
            }
            None => Some(report),
        },
        Err(_) => Some(report),
    }) {
        Ok(None) => return,
        Ok(Some(report)) => report,
        Err(_) => return, // the thread is being torn down: nowhere to capture, skip quietly
    };
    // Under `mprof run`, the program's output stays its own unless reports were asked for.
    if !crate::timeline::report_wanted(options.stream) {
        return;
    }
    let text = match format(options.format) {
        crate::recorder::Format::Text => report.to_string(),
        crate::recorder::Format::Json => {
            let mut json = report.to_json();
            json.push('\n');
            json
        }
    };
    let mut output = OUTPUT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let failed_before = output.failed.contains(&options.stream);
    let result = match options.stream {
        Stream::Stdout => print_captured(&text, false, failed_before),
        Stream::Stderr => print_captured(&text, true, failed_before),
        Stream::Held => Ok(()), // handled above
        Stream::File(path) => {
            let opened = if output.opened.contains(&path) {
                std::fs::OpenOptions::new().append(true).open(path)
            } else {
                output.opened.push(path);
                std::fs::File::create(path)
            };
            opened.and_then(|mut file| file.write_all(text.as_bytes()))
        }
    };
    if let Err(err) = result {
        // Said once per stream on stderr; the program goes on.
        if !output.failed.contains(&options.stream) {
            output.failed.push(options.stream);
            let target = match options.stream {
                Stream::File(path) => path,
                Stream::Stdout => "stdout",
                Stream::Stderr | Stream::Held => "stderr",
            };
            let _ = writeln!(
                std::io::stderr(),
                "memory_profiler: cannot write reports to {target}: {err}; later failures there are not reported"
            );
        }
    }
}
