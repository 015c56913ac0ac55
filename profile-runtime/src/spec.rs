//! The contract between `#[profile]`'s expansion and the runtime: what the macro writes into
//! a profiled function (its [`FnMeta`] and [`Options`]); and the contract between a profiled
//! program and the `mprof` tool: the names of the environment variables a run can set, and
//! the `FUNC` line of the `.dat` file ([`func_line`], [`read_func_line`]). This module imports
//! nothing else of the crate; everything else imports it.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

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
    pub(crate) fn divisor(self) -> f64 {
        match self {
            Unit::B => 1.0,
            Unit::KiB => 1024.0,
            Unit::MiB => 1024.0 * 1024.0,
            Unit::GiB => 1024.0 * 1024.0 * 1024.0,
        }
    }

    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Unit::B => "B",
            Unit::KiB => "KiB",
            Unit::MiB => "MiB",
            Unit::GiB => "GiB",
        }
    }
}

/// Where the reports of a function go.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
    File(&'static str),
    /// Kept for the `limit` guard of the same function, which shows it if a limit is exceeded.
    Held,
}

/// The format of a function's reports.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// memory_profiler's text layout.
    Text,
    /// JSON (see `crate::json`).
    Json,
}

/// Which heap a function's report follows.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threads {
    Current,
    All,
}

/// When a function's reports are written.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// After each outermost call (memory_profiler's decorator).
    Call,
    /// Once, when the process exits: every call of the run, on every thread, summed.
    Exit,
}

/// The attribute's options, fixed at compile time.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub precision: usize,
    pub unit: Unit,
    pub stream: Stream,
    pub peak: bool,
    pub allocs: bool,
    /// Mem usage relative to the heap at entry (the attribute's row shows 0): for `limit`
    /// reports, whose limits are relative too.
    pub relative: bool,
    /// How the reports are written ([`FORMAT_VAR`] can override it for a whole run).
    pub format: Format,
    pub threads: Threads,
    /// When the reports are written ([`REPORT_VAR`] can override it for a whole run).
    pub report: When,
}

/// What the macro knows of a function: its name, place and source lines.
#[doc(hidden)]
#[derive(Debug)]
pub struct FnMeta {
    /// The function's own name, as written after `fn`: `new`.
    pub name: &'static str,
    /// Its name as a Rust programmer writes it, when the macro knows what it belongs to (the
    /// attribute is on its impl, trait or module): `Inventory::new`,
    /// `<Inventory as Summarize>::total`, `Stack<T>::push`, `Describe::describe`; else `name`.
    pub qualified: &'static str,
    /// A method annotated on its own that takes `self`: the type of `self`, noted by its
    /// calls, names it (`Inventory::total`) in place of `qualified`.
    pub self_type: Option<&'static SelfType>,
    pub module_path: &'static str,
    pub file: &'static str,
    /// The line of the `#[profile]` attribute; the table's first row.
    pub first_line: u32,
    /// Whether the first row is the attribute's line, the calls' entry (it shows the heap at
    /// entry in both columns, as memory_profiler's decorator row). A function profiled through
    /// the attribute on its impl, trait or module starts at its signature's line instead, a
    /// line like the others (code written on it counts there).
    pub attribute_row: bool,
    /// The source lines from `first_line` to the closing brace.
    pub lines: &'static [&'static str],
    pub options: Options,
    /// The function's number, for the registry of unoptimised builds (`crate::registry`).
    pub slot: Slot,
}

/// A profiled function's number in the process, given at its first call: its place in each
/// thread's registry (`crate::registry`). (0: not given yet; the number is the value minus one.)
#[doc(hidden)]
#[derive(Debug)]
pub struct Slot(AtomicUsize);

impl Slot {
    /// A function without a number yet: what each `FnMeta` starts with.
    // Interior mutability is the point: each use is a function's own slot.
    #[allow(clippy::declare_interior_mutable_const)]
    pub const NEW: Slot = Slot(AtomicUsize::new(0));

    /// The function's number.
    #[inline]
    pub(crate) fn index(&self) -> usize {
        let n = self.0.load(Relaxed);
        if n != 0 {
            return n - 1;
        }
        self.give()
    }

    #[cold]
    fn give(&self) -> usize {
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        let n = NEXT.fetch_add(1, Relaxed);
        // Two threads may call the function for the first time at once: the first number
        // stored is the function's (the other is never used).
        match self.0.compare_exchange(0, n, Relaxed, Relaxed) {
            Ok(_) => n - 1,
            Err(given) => given - 1,
        }
    }
}

/// The type of `self` of a method annotated on its own (`#[profile]` on the method, not on its
/// impl): the macro cannot see the impl, so the method's calls note `type_name::<Self>()` (a
/// constant), and its reports are named by it. Noting is one load once the type is known; the
/// name is built with the first report (see `crate::names`).
#[doc(hidden)]
#[derive(Debug)]
pub struct SelfType {
    /// `core::any::type_name::<Self>()` of the first call.
    pub(crate) raw: std::sync::OnceLock<&'static str>,
    /// The qualified name built from it, once.
    pub(crate) name: std::sync::OnceLock<String>,
}

impl SelfType {
    #[allow(clippy::new_without_default)]
    pub const fn new() -> SelfType {
        SelfType {
            raw: std::sync::OnceLock::new(),
            name: std::sync::OnceLock::new(),
        }
    }

    /// Called on entry with `type_name::<Self>()`: keeps the first. Allocates nothing (it may
    /// run inside an allocator's path), blocks nothing but a first racing call.
    #[inline]
    pub fn note(&self, type_name: &'static str) {
        if self.raw.get().is_none() {
            self.set(type_name);
        }
    }

    /// The first call's noting, out of line (not in every inlined copy of the method).
    #[cold]
    #[inline(never)]
    fn set(&self, type_name: &'static str) {
        let _ = self.raw.set(type_name);
    }
}

/// The environment variable that sets the format of every report of a run: `json` or `text`
/// (case-insensitive), over the attribute's `format` option.
pub const FORMAT_VAR: &str = "MEMORY_PROFILER_FORMAT";

/// The environment variable that sets when every report of a run is written: `call` (after
/// each outermost call) or `exit` (once, when the process exits, every call summed), over the
/// attribute's `report` option.
pub const REPORT_VAR: &str = "MEMORY_PROFILER_REPORT";

/// The environment variable by which `mprof run` tells the program its `.dat` file.
pub const DAT_VAR: &str = "MEMORY_PROFILER_MPROF";

/// Under `mprof run`, set to `1` (by `mprof run --reports`) to print the line reports as well.
pub const REPORTS_VAR: &str = "MEMORY_PROFILER_REPORTS";

/// Under `mprof run`, the sampling interval in seconds: calls shorter than it add no `FUNC`
/// line (they would not show on the plot).
pub const INTERVAL_VAR: &str = "MEMORY_PROFILER_MPROF_INTERVAL";

/// The environment variable that names the HTML page of a run: set, the run's reports (every
/// profiled function's calls, whatever [`REPORT_VAR`] says for the text) are written there as
/// one self-contained page when the process exits.
pub const HTML_VAR: &str = "MEMORY_PROFILER_HTML";

/// The environment variable that says what `#[limit(baseline)]` tests do with their baseline
/// files: `1` (or `always`) rewrites them with the run's figures (and the tests pass), `new`
/// writes the run's figures beside each baseline that differs (`NAME.allocs.new`) for review,
/// `no` writes nothing; unset (or `auto`), a missing baseline is written, unless `CI` is set.
pub const UPDATE_VAR: &str = "MEMORY_PROFILER_UPDATE";

/// The environment variable that names a folder where `#[limit(baseline)]` tests keep their
/// baseline files, instead of a `snapshots/` folder beside each test's file.
pub const BASELINE_DIR_VAR: &str = "MEMORY_PROFILER_BASELINE_DIR";

/// memory_profiler's `FUNC` line: the function's dotted name (`module.function`, with `::` in
/// the module path written as `.`; a method as `module.Type.method`, as Python's qualified
/// names, and `module.<Type_as_Trait>.method`: a reader splits the line on spaces, so the
/// name has none, and `mprof plot` labels a bracket with the last dotted part), its resident
/// memory in MiB and Unix time at entry and at exit, and its nesting level (which files of
/// older memory_profilers lack).
///
/// ```
/// let line = memory_profiler::env::func_line("tournament.play", (1.5, 1700000000.125), (30.25, 1700000001.5), Some(2));
/// assert_eq!(line, "FUNC tournament.play 1.5000 1700000000.1250 30.2500 1700000001.5000 2\n");
/// ```
pub fn func_line(
    name: &str,
    (entry_mib, entry_time): (f64, f64),
    (exit_mib, exit_time): (f64, f64),
    level: Option<u32>,
) -> String {
    let level = level.map(|l| format!(" {l}")).unwrap_or_default();
    format!("FUNC {name} {entry_mib:.4} {entry_time:.4} {exit_mib:.4} {exit_time:.4}{level}\n")
}

/// A `FUNC` line read back (with or without its line break): the function's name, its MiB
/// and Unix time at entry and at exit, and its nesting level if the line has one, as
/// [`func_line`] takes them; `None` for a line that is not one. How `mprof` and the run's HTML
/// page read the `.dat` file.
///
/// ```
/// let line = "FUNC tournament.play 1.5000 1700000000.1250 30.2500 1700000001.5000 2\n";
/// let (name, entry, exit, level) = memory_profiler::env::read_func_line(line).unwrap();
/// assert_eq!((name, entry, exit, level), ("tournament.play", (1.5, 1700000000.125), (30.25, 1700000001.5), Some(2)));
/// assert!(memory_profiler::env::read_func_line("FUNC f 1.0 2.0").is_none());
/// ```
#[allow(clippy::type_complexity)]
pub fn read_func_line(line: &str) -> Option<(&str, (f64, f64), (f64, f64), Option<u32>)> {
    let line = line.strip_suffix('\n').unwrap_or(line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    let parts: Vec<&str> = line.strip_prefix("FUNC ")?.split(' ').collect();
    if parts.len() < 5 {
        return None;
    }
    let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    let level = match parts.get(5) {
        Some(level) => Some(level.trim().parse().ok()?),
        None => None,
    };
    Some((
        parts[0],
        (number(parts[1])?, number(parts[2])?),
        (number(parts[3])?, number(parts[4])?),
        level,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn func_lines_read_back() {
        let line = func_line("m.f", (1.5, 2.25), (3.0, 4.5), None);
        assert_eq!(
            read_func_line(&line),
            Some(("m.f", (1.5, 2.25), (3.0, 4.5), None))
        );
        assert_eq!(
            read_func_line("FUNC m.f 1 2 3 4 7\r\n"),
            Some(("m.f", (1.0, 2.0), (3.0, 4.0), Some(7)))
        );
        assert_eq!(read_func_line("FUNC m.f 1 2 3 4 x"), None);
        assert_eq!(read_func_line("FUNC m.f 1 2 3 NaN"), None);
        assert_eq!(read_func_line("MEM 1 2"), None);
        assert_eq!(read_func_line("FUNC"), None);
    }

    #[test]
    fn func_line_layout() {
        assert_eq!(
            func_line(
                "tournament.play.in_memory",
                (1.5, 1700000000.125),
                (30.25, 1700000001.5),
                Some(2)
            ),
            "FUNC tournament.play.in_memory 1.5000 1700000000.1250 30.2500 1700000001.5000 2\n"
        );
    }
}
