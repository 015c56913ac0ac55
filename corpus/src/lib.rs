//! The harness of the shape corpus (`tests/corpus/`): `#[profile]` must change nothing a program
//! can observe, in every shape of function a Rust programmer writes.
//!
//! Each shape file of the corpus is compiled twice: once with `p` bound to [`noop`] (the plain
//! twins) and once with `p` bound to `memory_profiler::profile` (the profiled twins). A case runs
//! both twins through [`twin`] (or [`twin_panic`]), which checks that they
//!
//! - return the same value (or panic with the same payload),
//! - log the same events in the same order (a [`D`] logs its name when dropped, so the drop
//!   order of locals and temporaries is compared),
//! - make the same allocations (`memory_profiler::measure`),
//!
//! and that the profiled twin's reports are sound: every row is a line of the function, from the
//! attribute's line to the closing brace, showing that line of the file; lines that never ran
//! have no figures; and the rows after the first add up to what `measure` saw of the call
//! (increments to its net, allocations to its allocations). Every profiled function that
//! reports is counted ([`seen`]), so the size of the corpus is checked, not claimed.
//!
//! `CORPUS_PRINT=1 cargo test -p corpus -- --nocapture` prints every report the checks read.
//!
//! One file of about 900 lines, kept whole: it is the harness's one vocabulary (`twin`, `D`,
//! the event log, the report checks), which every shape file reads from the top, and its parts
//! call each other throughout.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Debug;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use memory_profiler::{Report, Reports, Usage, capture, measure};

pub use corpus_noop::noop;

// ---------------------------------------------------------------------------------------------
// The allocator.
// ---------------------------------------------------------------------------------------------

/// An inner allocator for `memory_profiler::Allocator::new` whose reallocations behave the same
/// on every run: a growing one always moves (a new block, the bytes copied, the old block
/// freed), a shrinking one stays in place. `System`'s own choice depends on what else the
/// process allocated, and a moving reallocation counts both blocks in Peak: the corpus installs
/// this one, so that the twins' peaks are the same whenever they grow the same buffers.
pub struct Moving;

// SAFETY: `alloc` and `dealloc` forward to `System`; `realloc` keeps `GlobalAlloc`'s contract:
// a shrink keeps the block (its layout's size only gets smaller, which `System.dealloc`, a
// `free`, does not read), a growth allocates a block of the new size with the same alignment,
// copies the old block's bytes into it and frees the old block, or returns null and leaves the
// old block as it was.
unsafe impl GlobalAlloc for Moving {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (through `alloc` or `realloc` below).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size <= layout.size() {
            return ptr;
        }
        // SAFETY: `new_size` is non-zero and, by the caller's contract, a valid size for
        // `layout.align()`; the old block holds `layout.size()` bytes, fewer than the new one,
        // and the two do not overlap.
        unsafe {
            let new = System.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size());
                System.dealloc(ptr, layout);
            }
            new
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The event log.
// ---------------------------------------------------------------------------------------------

/// Room enough that logging never allocates inside a measured call.
const LOG_CAP: usize = 1024;

thread_local! {
    static LOG: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Records an event (a drop, a guard evaluated, a branch taken) on this thread's log.
pub fn log(event: &'static str) {
    LOG.with(|l| l.borrow_mut().push(event));
}

/// This thread's log so far; starts a new one, with its room already allocated.
pub fn take_log() -> Vec<&'static str> {
    LOG.with(|l| std::mem::replace(&mut *l.borrow_mut(), Vec::with_capacity(LOG_CAP)))
}

/// Logs its name when dropped.
#[derive(Debug, PartialEq)]
pub struct D(pub &'static str);

impl Drop for D {
    fn drop(&mut self) {
        log(self.0);
    }
}

impl D {
    /// `k`, through a method of a temporary: `D("t").pick(k)` keeps `D("t")` alive to the end
    /// of the temporary's scope.
    pub fn pick(&self, k: u32) -> u32 {
        k
    }

    /// `0..n`: a loop head whose temporary is logged when it drops.
    pub fn upto(&self, n: u32) -> std::ops::Range<u32> {
        0..n
    }

    /// `Some(k)`: an `if let` / `while let` scrutinee with a logged temporary.
    pub fn some(&self, k: u32) -> Option<u32> {
        Some(k)
    }

    /// A borrow of the temporary itself (for temporary lifetime extension).
    pub fn name(&self) -> &str {
        self.0
    }
}

// ---------------------------------------------------------------------------------------------
// Cases and what they saw.
// ---------------------------------------------------------------------------------------------

/// One case of the corpus: runs one or more twins through [`twin`] / [`twin_panic`].
#[derive(Clone, Copy)]
pub struct Case {
    /// The case's name (the shape it exercises).
    pub name: &'static str,
    /// The file whose shapes it runs.
    pub file: &'static str,
    /// The case itself; it panics when a twin misbehaves.
    pub run: fn(),
}

thread_local! {
    /// The profiled functions that reported inside a twin: (file, first line, name).
    static SEEN: RefCell<BTreeSet<(&'static str, u32, &'static str)>> =
        const { RefCell::new(BTreeSet::new()) };
    /// Set while twins run: their panics are expected, compared, and not printed.
    static EXPECTING_PANICS: Cell<bool> = const { Cell::new(false) };
    /// What the [`call`]s of the running twin allocated: (net, allocations).
    static CALLS: Cell<Option<(i64, u64)>> = const { Cell::new(None) };
}

/// Marks the calls of the top function inside a twin that does more than call it (makes its
/// arguments, inspects its value): the top function's rows must then add up to what the marked
/// calls allocated, instead of the whole twin.
pub fn call<T>(f: impl FnOnce() -> T) -> T {
    let (value, usage) = measure(f);
    CALLS.with(|calls| {
        let (net, allocations) = calls.get().unwrap_or((0, 0));
        calls.set(Some((net + usage.net, allocations + usage.allocations)));
    });
    value
}

/// The profiled functions that reported inside a twin on this thread so far.
pub fn seen() -> BTreeSet<(&'static str, u32, &'static str)> {
    SEEN.with(|s| s.borrow().clone())
}

/// Runs every case (each under `catch_unwind`, so that one failure does not hide the others)
/// and panics listing those that failed.
pub fn run_cases(cases: &[Case]) {
    quiet_expected_panics();
    let mut failed = Vec::new();
    for case in cases {
        if let Err(payload) = catch_unwind(case.run) {
            eprintln!(
                "corpus case `{}` ({}) failed: {}",
                case.name,
                case.file,
                panic_text(&*payload)
            );
            failed.push(case.name);
        }
    }
    assert!(failed.is_empty(), "corpus cases failed: {failed:?}");
}

/// Installs (once) a panic hook that stays silent while twins run: their panics are expected
/// and compared, and printing them would allocate in the test harness's output capture at
/// moments that differ between the twins.
fn quiet_expected_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !EXPECTING_PANICS.with(Cell::get) {
                default(info);
            }
        }));
    });
}

/// Marks the twins' run on this thread; restores the mark as it was when dropped (also when a
/// twin's panic propagates).
struct Expecting {
    before: bool,
}

impl Expecting {
    fn start() -> Expecting {
        quiet_expected_panics();
        Expecting {
            before: EXPECTING_PANICS.with(|e| e.replace(true)),
        }
    }
}

impl Drop for Expecting {
    fn drop(&mut self) {
        EXPECTING_PANICS.with(|e| e.set(self.before));
    }
}

/// The text of a panic payload (`&str`, `String`, or a few other types the corpus throws).
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(n) = payload.downcast_ref::<u32>() {
        format!("<u32 payload {n}>")
    } else {
        "<a payload of another type>".to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// The twin runners.
// ---------------------------------------------------------------------------------------------

/// What to check of the profiled twin's reports beyond what every report is checked for.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The profiled function the case calls: its report must be there.
    pub top: &'static str,
    /// Whether its rows must add up to what `measure` saw (flag `unbalanced` to not). Not when
    /// the function takes by-value arguments that own heap memory: they are freed after the
    /// report is taken (a documented limitation), so `measure` sees frees the report cannot.
    pub balanced: bool,
    /// Whether both twins allocate the same bytes (flag `bigger` to not): the future of a
    /// profiled `async fn` holds its call's table, so boxing it allocates more; the numbers of
    /// allocations, frees and reallocations and the net must still agree.
    pub same_bytes: bool,
}

impl Spec {
    /// The spec of a twin whose top function is `top`, with `flags`: `unbalanced`, `bigger`.
    pub fn new(top: &'static str, flags: &[&str]) -> Spec {
        let mut spec = Spec {
            top,
            balanced: true,
            same_bytes: true,
        };
        for flag in flags {
            match *flag {
                "unbalanced" => spec.balanced = false,
                "bigger" => spec.same_bytes = false,
                other => panic!("unknown twin flag `{other}` (unbalanced, bigger)"),
            }
        }
        spec
    }
}

/// Both twins allocated the same (see [`Spec::same_bytes`]).
fn same_usage(spec: Spec, usage: &Usage, expected: &Usage) {
    if spec.same_bytes {
        assert_eq!(
            usage, expected,
            "`{}`: the profiled twin allocated differently",
            spec.top
        );
    } else {
        let counts = |u: &Usage| (u.allocations, u.deallocations, u.reallocations, u.net);
        assert_eq!(
            counts(usage),
            counts(expected),
            "`{}`: the profiled twin allocated differently: {usage:?}, not {expected:?}",
            spec.top
        );
        assert!(
            usage.bytes_allocated >= expected.bytes_allocated,
            "`{}`: the profiled twin allocated fewer bytes: {usage:?}, not {expected:?}",
            spec.top
        );
    }
}

/// Runs the plain twin, then the profiled one, each on arguments made by its `setup` before its
/// measurement starts, and each value through its `post` closure after the measurement ends
/// (to turn what the twins return, whose types may differ, into comparable values); all of it
/// under `capture`, so that no report is printed. Both must
/// return the same value, log the same events in the same order and allocate the same; the
/// profiled twin's reports must be sound (see the crate's docs). Returns the value.
#[track_caller]
#[allow(clippy::too_many_arguments)] // two twins of three closures each
pub fn twin<A1, A2, R1, R2, T: PartialEq + Debug>(
    spec: Spec,
    plain_setup: impl FnOnce() -> A1,
    plain: impl FnOnce(A1) -> R1,
    plain_post: impl FnOnce(R1) -> T,
    profiled_setup: impl FnOnce() -> A2,
    profiled: impl FnOnce(A2) -> R2,
    profiled_post: impl FnOnce(R2) -> T,
) -> T {
    let expecting = Expecting::start();
    take_log();
    let ((expected, expected_usage), plain_reports) = capture(|| {
        let args = plain_setup();
        let (value, usage) = measure(|| plain(args));
        (plain_post(value), usage)
    });
    let expected_log = take_log();
    CALLS.with(|calls| calls.set(None));
    let ((got, usage), reports) = capture(|| {
        let args = profiled_setup();
        let (value, usage) = measure(|| profiled(args));
        let calls = CALLS.with(|calls| calls.take());
        ((profiled_post(value), calls), usage)
    });
    let (got, calls) = got;
    let got_log = take_log();
    drop(expecting);
    assert!(
        plain_reports.is_empty(),
        "the plain twin of `{}` called profiled functions:\n{plain_reports}",
        spec.top
    );
    assert_eq!(
        got, expected,
        "`{}`: the profiled twin returned another value",
        spec.top
    );
    assert_eq!(
        got_log, expected_log,
        "`{}`: the profiled twin ran or dropped things in another order",
        spec.top
    );
    same_usage(spec, &usage, &expected_usage);
    check_reports(spec, &reports, &usage, calls, None);
    got
}

/// Both twins panic: with the same payload, the same log (through the unwinding) and the same
/// allocations. The profiled twin's reports are sound, and the top one says it panicked; its
/// rows add up to what `measure` saw plus the unwinding's own exception object, which the
/// function allocated and its catcher freed (see [`unwind_overhead`]). Returns the payload's
/// text.
#[track_caller]
#[allow(clippy::too_many_arguments)] // two twins of three closures each
pub fn twin_panic<A1, A2, R1, R2, T1, T2>(
    spec: Spec,
    plain_setup: impl FnOnce() -> A1,
    plain: impl FnOnce(A1) -> R1,
    _plain_post: impl FnOnce(R1) -> T1,
    profiled_setup: impl FnOnce() -> A2,
    profiled: impl FnOnce(A2) -> R2,
    _profiled_post: impl FnOnce(R2) -> T2,
) -> String {
    let expecting = Expecting::start();
    let overhead = unwind_overhead();
    take_log();
    let ((expected, expected_usage), plain_reports) = capture(|| {
        let args = plain_setup();
        measure(|| catch_unwind(AssertUnwindSafe(|| plain(args))))
    });
    let expected_log = take_log();
    CALLS.with(|calls| calls.set(None));
    let ((got, usage), reports) = capture(|| {
        let args = profiled_setup();
        measure(|| catch_unwind(AssertUnwindSafe(|| profiled(args))))
    });
    let calls = CALLS.with(|calls| calls.take());
    let got_log = take_log();
    drop(expecting);
    assert!(plain_reports.is_empty(), "{plain_reports}");
    let expected = match expected {
        Err(payload) => panic_text(&*payload),
        Ok(_) => panic!("`{}`: the plain twin must panic, it returned", spec.top),
    };
    let got = match got {
        Err(payload) => panic_text(&*payload),
        Ok(_) => panic!(
            "`{}`: the profiled twin returned where the plain one panicked with {expected:?}",
            spec.top
        ),
    };
    assert_eq!(
        got, expected,
        "`{}`: the profiled twin panicked with another payload",
        spec.top
    );
    assert_eq!(
        got_log, expected_log,
        "`{}`: the profiled twin ran or dropped things in another order",
        spec.top
    );
    same_usage(spec, &usage, &expected_usage);
    check_reports(spec, &reports, &usage, calls, Some(overhead));
    got
}

/// What an unwinding allocates in the frame that panics and frees in the frame that catches
/// it (the exception object that carries the payload): measured once per thread.
pub fn unwind_overhead() -> i64 {
    thread_local! {
        static OVERHEAD: Cell<Option<i64>> = const { Cell::new(None) };
        static DURING: Cell<i64> = const { Cell::new(0) };
    }
    if let Some(overhead) = OVERHEAD.with(Cell::get) {
        return overhead;
    }
    struct Sample;
    impl Drop for Sample {
        fn drop(&mut self) {
            DURING.with(|d| d.set(memory_profiler::thread_stats().live()));
        }
    }
    let expecting = Expecting::start();
    let caught = catch_unwind(|| {
        let _sample = Sample;
        std::panic::panic_any(0u32)
    });
    let after = memory_profiler::thread_stats().live();
    drop(expecting);
    assert!(caught.is_err());
    let overhead = DURING.with(Cell::get) - after;
    OVERHEAD.with(|o| o.set(Some(overhead)));
    overhead
}

/// Checks every report's rows, counts the functions, and checks the top report: there, panicked
/// if `unwinding` is given, and adding up to `measure`'s figures, or those of the [`call`]s if
/// the twin marked some (plus the unwinding's overhead).
fn check_reports(
    spec: Spec,
    reports: &Reports,
    usage: &Usage,
    calls: Option<(i64, u64)>,
    unwinding: Option<i64>,
) {
    for report in reports {
        if std::env::var_os("CORPUS_PRINT").is_some() {
            println!("{report}");
        }
        check_rows(report);
        SEEN.with(|s| {
            s.borrow_mut()
                .insert((report.file(), report.rows()[0].line, report.function()))
        });
    }
    let top = reports
        .function(spec.top)
        .unwrap_or_else(|| panic!("no report of `{}` in:\n{reports}", spec.top));
    if unwinding.is_some() {
        assert!(
            top.panicked(),
            "`{}` did not record its panic:\n{top}",
            spec.top
        );
    }
    // A function on one line with its attribute has one row, whose figure is the heap at
    // entry (a function profiled through its impl has its rows all the same).
    if spec.balanced && !top.code_rows().is_empty() {
        let (net, allocations) = calls.unwrap_or((usage.net, usage.allocations));
        balanced(top, net + unwinding.unwrap_or(0), allocations);
    }
}

/// The rows of the function's lines (after the attribute's, if it has one) add up to what the
/// calls left allocated (`net`) and how many allocations they made.
pub fn balanced(report: &Report, net: i64, allocations: u64) {
    let rows = report.code_rows();
    let rows_net: i64 = rows.iter().map(|r| r.increment).sum();
    let rows_allocations: u64 = rows.iter().map(|r| r.allocations).sum();
    assert_eq!(
        (rows_net, rows_allocations),
        (net, allocations),
        "`{}`: the rows (net, allocations) do not add up to what measure saw:\n{report}",
        report.function()
    );
}

/// The source text of a file a report names (`file!()`, relative to the workspace's root or to
/// this crate's), read once.
pub fn source(file: &'static str) -> &'static str {
    thread_local! {
        static SOURCES: RefCell<HashMap<&'static str, &'static str>> = RefCell::new(HashMap::new());
    }
    SOURCES.with(|sources| {
        *sources.borrow_mut().entry(file).or_insert_with(|| {
            let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            let text = [here.join("..").join(file), here.join(file)]
                .iter()
                .find_map(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_else(|| panic!("cannot read {file}"));
            Box::leak(text.into_boxed_str())
        })
    })
}

/// The lines where the reports of a shape file's profiled functions start: the line of each
/// `#[p]` on a function, and, for each `#[p]` on an impl, a trait or a module, the signature's
/// line of every function with a body inside it (recursively) that carries no `#[p..]` of its
/// own, is no `const fn` and is not inside a `macro_rules!`. A text scan of the corpus's own
/// formatting: an item's closing brace is at its attribute's indentation.
pub fn report_lines(source: &str) -> BTreeSet<u32> {
    let lines: Vec<&str> = source.lines().collect();
    let indent = |line: &str| line.len() - line.trim_start().len();
    // The line past the item that starts at `head` (its closing brace, at its indentation).
    let end_of = |head: usize| {
        let close = format!("{}}}", &lines[head][..indent(lines[head])]);
        (head..lines.len())
            .find(|&k| lines[k].trim_end() == close)
            .unwrap_or(lines.len())
    };
    // The item an attribute at `at` is on: the first line after it that is not an attribute
    // nor a comment.
    let item_of = |at: usize| {
        (at + 1..lines.len())
            .find(|&k| {
                let t = lines[k].trim_start();
                !t.starts_with("#[") && !t.starts_with("//")
            })
            .unwrap_or(lines.len() - 1)
    };
    let mut out = BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if !t.starts_with("#[p") || t.starts_with("#[p(skip)]") {
            continue;
        }
        let head = item_of(i);
        let item = strip_head(lines[head].trim_start());
        if !["impl", "trait ", "mod "]
            .iter()
            .any(|k| item.starts_with(k))
        {
            out.insert(i as u32 + 1);
            continue;
        }
        let end = end_of(head);
        let mut k = head + 1;
        while k < end {
            let t = lines[k].trim_start();
            if t.starts_with("macro_rules!") {
                k = end_of(k) + 1;
                continue;
            }
            let f = strip_head(t);
            // A function with a body: its signature ends with `{` before any `;`.
            let has_body = || {
                lines[k..end]
                    .iter()
                    .map(|l| l.trim_end())
                    .find(|l| l.ends_with('{') || l.ends_with(';'))
                    .is_some_and(|l| l.ends_with('{'))
            };
            if f.starts_with("fn ") && has_body() {
                let own = (0..k)
                    .rev()
                    .map(|a| lines[a].trim_start())
                    .take_while(|a| a.starts_with("#[") || a.starts_with("//"))
                    .any(|a| a.starts_with("#[p"));
                if !own {
                    out.insert(k as u32 + 1);
                }
            }
            k += 1;
        }
    }
    out
}

/// An item's head without its visibility and qualifiers: `fn ..`, `impl ..`, `mod ..`.
fn strip_head(mut t: &str) -> &str {
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "default ",
        "async ",
        "unsafe ",
    ] {
        t = t.strip_prefix(prefix).unwrap_or(t);
    }
    t
}

/// Every row is a line of the function, from the attribute's to the closing brace, and shows
/// that line of the file; lines that cannot run (blank, comments) did not; lines that did not
/// run have no figures; the closing brace ran unless the call panicked or was cancelled.
pub fn check_rows(report: &Report) {
    let name = report.function();
    let lines: Vec<&str> = source(report.file()).lines().collect();
    let rows = report.rows();
    let first = rows.first().expect("a report has rows").line;
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(
            row.line,
            first + i as u32,
            "`{name}`: the rows are not consecutive lines:\n{report}"
        );
        assert_eq!(
            lines.get(row.line as usize - 1).copied(),
            Some(row.text),
            "`{name}`: row {} does not show line {} of {}",
            i,
            row.line,
            report.file()
        );
        let code = row.text.trim();
        if i > 0 && (code.is_empty() || code.starts_with("//")) {
            assert!(
                !row.ran(),
                "`{name}`: line {} has no code, but ran:\n{report}",
                row.line
            );
        }
        if row.ran() {
            assert!(
                row.mem_usage.unsigned_abs() < 1 << 48,
                "`{name}`: line {} ran, but its Mem usage is {}:\n{report}",
                row.line,
                row.mem_usage
            );
        } else {
            assert_eq!(
                (row.increment, row.allocations, row.peak),
                (0, 0, 0),
                "`{name}`: line {} did not run but has figures:\n{report}",
                row.line
            );
        }
    }
    // The attribute's line, or, for a function profiled through its impl, trait or module,
    // its signature's.
    let attribute_row = report.code_rows().len() < rows.len();
    assert!(
        if attribute_row {
            rows[0].text.contains("#[")
        } else {
            rows[0].text.contains("fn ")
        },
        "`{name}`: the first row is not the attribute's line nor the signature's: {:?}",
        rows[0].text
    );
    let last = rows.last().expect("a report has rows");
    assert!(
        last.text.trim_end().ends_with('}'),
        "`{name}`: the last row is not the closing brace: {:?}",
        last.text
    );
    if !report.panicked() && !report.cancelled() {
        assert!(
            last.ran(),
            "`{name}`: the closing brace did not run:\n{report}"
        );
    }
}

/// Hands out the items of a slice one after the other through a shared reference: one to each
/// twin's setup (`both!(f (locks.next()): |m, l| m::f(l))`), so that each twin gets a fresh one.
pub struct Each<'a, T> {
    items: &'a [T],
    next: Cell<usize>,
}

impl<'a, T> Each<'a, T> {
    /// Hands out `items`, first to last.
    pub fn new(items: &'a [T]) -> Self {
        Each {
            items,
            next: Cell::new(0),
        }
    }

    /// The next item; panics when they are all handed out.
    #[allow(clippy::should_implement_trait)] // `&self`, unlike `Iterator::next`
    pub fn next(&self) -> &'a T {
        let i = self.next.get();
        self.next.set(i + 1);
        &self.items[i]
    }
}

/// A value's `Debug` text: the `post` of twins whose values have types of their own module
/// (`both!(new: |m| m::Counter::new(3) => shown)`).
pub fn shown<T: Debug>(value: T) -> String {
    format!("{value:?}")
}

// ---------------------------------------------------------------------------------------------
// Futures: a tiny executor and a Send probe.
// ---------------------------------------------------------------------------------------------

/// Polls a future to completion on this thread with a waker that does nothing (the corpus's
/// futures are always ready to be polled again).
pub fn block_on<F: IntoFuture>(future: F) -> F::Output {
    let mut future = pin!(future.into_future());
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
}

/// Polls a future `polls` times at most, then drops it: `Some` of its value if it completed.
pub fn poll_then_drop<F: IntoFuture>(future: F, polls: usize) -> Option<F::Output> {
    let mut future = pin!(future.into_future());
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..polls {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return Some(value);
        }
    }
    None
}

/// A future that is pending once, then ready: an `.await` that really suspends.
pub fn yield_now() -> YieldNow {
    YieldNow(false)
}

/// See [`yield_now`].
pub struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Whether a value's type is `Send`, decided at compile time by method resolution (a method of
/// `SendProbe<T>` where `T: Send`, else one of `&SendProbe<T>`): `is_send!(future)`.
#[macro_export]
macro_rules! is_send {
    ($value:expr) => {{
        #[allow(unused_imports)]
        use $crate::{ProbeNotSend as _, ProbeSend as _};
        (&$crate::send_probe(&$value)).is_send()
    }};
}

/// See [`is_send!`].
pub struct SendProbe<T>(PhantomData<T>);

/// See [`is_send!`].
pub fn send_probe<T>(_: &T) -> SendProbe<T> {
    SendProbe(PhantomData)
}

/// See [`is_send!`].
pub trait ProbeSend {
    /// `true`: the probed type is `Send`.
    fn is_send(&self) -> bool {
        true
    }
}

impl<T: Send> ProbeSend for SendProbe<T> {}

/// See [`is_send!`].
pub trait ProbeNotSend {
    /// `false`: the probed type is not `Send`.
    fn is_send(&self) -> bool {
        false
    }
}

impl<T> ProbeNotSend for &SendProbe<T> {}

// ---------------------------------------------------------------------------------------------
// The case syntax.
// ---------------------------------------------------------------------------------------------

/// Runs a twin: the expression is written once, with `m` standing for the twin's module.
///
/// ```text
/// both!(f: |m| m::f(1, 2))                    same value, log, allocations; f's rows add up
/// both!(f(vec![1, 2]): |m, v| m::f(v))        arguments made before each measurement (the
///                                             setup may use `m` too)
/// both!(f [unbalanced]: |m| ...)              flags (see `Spec`): unbalanced, bigger
/// both!(f: |m| m::f() => |v| v.collect())     the value made comparable after measuring
/// both!(panic f: |m| m::f())                  both panic alike
/// both!(async f: |m| m::f())                  a future: run to completion, Send-ness compared
/// ```
///
/// Used inside `cases!`, which names the twin modules `__plain` and `__profiled`.
#[macro_export]
macro_rules! both {
    (panic $($rest:tt)*) => { $crate::both!(@mode twin_panic, plain; $($rest)*) };
    (async $($rest:tt)*) => { $crate::both!(@mode twin, future; $($rest)*) };
    (@mode $run:ident, $kind:ident; $top:ident [$($flag:ident),*] $($rest:tt)*) => {
        $crate::both!(@spec $run, $kind, $top, [$(stringify!($flag)),*]; $($rest)*)
    };
    (@mode $run:ident, $kind:ident; $top:ident $($rest:tt)*) => {
        $crate::both!(@spec $run, $kind, $top, []; $($rest)*)
    };
    (@spec $run:ident, $kind:ident, $top:ident, $balanced:expr;
        ($($setup:tt)*) : |$m:ident, $a:pat_param| $e:expr $(=> $post:expr)?) => {
        $crate::both!(@go $run, $kind, $top, $balanced, ($($setup)*), $m, $a, $e, ($($post)?))
    };
    (@spec $run:ident, $kind:ident, $top:ident, $balanced:expr;
        : |$m:ident| $e:expr $(=> $post:expr)?) => {
        $crate::both!(@go $run, $kind, $top, $balanced, (()), $m, _, $e, ($($post)?))
    };
    (@go $run:ident, $kind:ident, $top:ident, $balanced:expr, ($($setup:tt)*), $m:ident,
        $a:pat_param, $e:expr, ($($post:tt)*)) => {
        $crate::$run(
            $crate::Spec::new(stringify!($top), &$balanced),
            || {
                #[allow(unused_imports)]
                use __plain as $m;
                $($setup)*
            },
            |$a| {
                #[allow(unused_imports)]
                use __plain as $m;
                $crate::both!(@value $kind, $e)
            },
            $crate::both!(@post $($post)*),
            || {
                #[allow(unused_imports)]
                use __profiled as $m;
                $($setup)*
            },
            |$a| {
                #[allow(unused_imports)]
                use __profiled as $m;
                $crate::both!(@value $kind, $e)
            },
            $crate::both!(@post $($post)*),
        )
    };
    (@post) => { |value| value };
    (@post $post:expr) => { $post };
    (@value plain, $e:expr) => { $e };
    (@value future, $e:expr) => {{
        let future = $e;
        let send = $crate::is_send!(future);
        ($crate::block_on(future), send)
    }};
    ($($rest:tt)*) => { $crate::both!(@mode twin, plain; $($rest)*) };
}

/// The `cases!` of the profiled copy of a shape file: the twin modules, and the table of the
/// file's cases (`CASES`). The plain copy's `cases!` expands to nothing.
#[macro_export]
#[allow(clippy::crate_in_macro_def)] // the twin modules are the calling crate's
macro_rules! cases_table {
    ($plain:ident $profiled:ident; $($name:ident => $body:block)*) => {
        #[allow(unused_imports)]
        use crate::$plain as __plain;
        #[allow(unused_imports)]
        use crate::$profiled as __profiled;

        /// The cases of this file.
        pub const CASES: &[$crate::Case] = &[$(
            $crate::Case { name: stringify!($name), file: file!(), run: || $body },
        )*];
    };
}
