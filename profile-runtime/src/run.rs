//! Run-wide reports (`#[profile(report = "exit")]`, `MEMORY_PROFILER_REPORT=exit`): every
//! call of a function, on every thread, summed into one report written when the process exits.
//!
//! A call of such a function leaves its figures in its thread's table, as the calls of a
//! recursive function already do, so a call costs what a probe-less per-call bookkeeping costs
//! and nothing more: no lock, no allocation, no report. Each thread's tables are listed once
//! in a process-wide store (on their first run-wide call on the thread); the store sums a
//! thread's tables into its reports when the thread ends (a thread-local destructor), and the
//! tables of the threads still running when the process exits (an `atexit` handler, which then
//! writes every report and the run's summary through `crate::output`). The tables' cells are
//! relaxed atomics, so reading them from the exiting thread is sound, and a thread's entries
//! leave the list, under the store's lock, before its thread-local memory is freed.
//!
//! Tables the store cannot list (an `async fn` call's own, a table used while its thread is
//! being torn down) are summed into the store when their call ends ([`fold`]), under its lock.
//!
//! It owns that store and the exit hook; it calls the recorder's tables (`Parts`), the report
//! model, and `output` to write.

use std::cell::Cell;
use std::sync::Mutex;

use crate::report::Report;
use crate::spec::{FnMeta, Stream, When};
use crate::table::{Head, LineCell, Parts};

/// The run's reports so far, and the thread tables still to be read.
struct Store {
    /// One report per function (the same `FnMeta`), summing the calls read so far.
    reports: Vec<(&'static FnMeta, Report)>,
    /// The tables of running threads that hold run-wide figures.
    listed: Vec<Listed>,
    /// The exit hook is installed.
    hooked: bool,
    /// The reports were written: the process is exiting.
    written: bool,
}

/// A thread's table, as the store lists it.
struct Listed {
    meta: &'static FnMeta,
    head: *const Head,
    lines: *const LineCell,
    len: usize,
    /// The address of the thread's [`THREAD`] marker: which thread the table is of.
    thread: usize,
}

// SAFETY: a `Listed` points into a thread-local table of a running thread. It is only read
// under the store's lock, and it leaves the list, under that lock, in the destructor of its
// thread's `THREAD` marker, before the thread's thread-local memory is freed: the pointers
// are valid whenever they are read. The table's cells are atomics, so reading them while
// their thread writes them is no data race.
unsafe impl Send for Listed {}

impl Listed {
    /// The table.
    ///
    /// # Safety
    /// Only while the store's lock is held (see `Listed`'s `Send`).
    unsafe fn parts(&self) -> Parts<'_> {
        // SAFETY: the caller holds the store's lock, so the table is still alive (see above);
        // `lines` and `len` were taken from a slice of it.
        unsafe {
            Parts {
                head: &*self.head,
                lines: std::slice::from_raw_parts(self.lines, self.len),
            }
        }
    }
}

static STORE: Mutex<Store> = Mutex::new(Store {
    reports: Vec::new(),
    listed: Vec::new(),
    hooked: false,
    written: false,
});

fn store() -> std::sync::MutexGuard<'static, Store> {
    STORE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Store {
    /// Adds the calls recorded in `t` to the function's run-wide report; `clear` (on the
    /// table's own thread only) empties the table.
    fn absorb(&mut self, meta: &'static FnMeta, t: Parts<'_>, clear: bool) {
        if !t.has_calls() {
            return;
        }
        self.add(meta, t.take_report(meta, clear));
    }

    /// Adds a report of `meta`'s calls to its run-wide report.
    fn add(&mut self, meta: &'static FnMeta, report: Report) {
        match self
            .reports
            .iter_mut()
            .find(|(m, _)| std::ptr::eq(*m, meta))
        {
            Some((_, mine)) => mine.absorb(report),
            None => self.reports.push((meta, report)),
        }
    }
}

/// What the end of an outermost call does with the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// Not an outermost call: the outermost one ends the report.
    Inner,
    /// The call's report is written (or captured, or held for a limit) now.
    Report,
    /// Run-wide: the figures stay in the thread's table, which the run-wide store reads when
    /// the thread or the process ends.
    Keep,
    /// Run-wide, for a table the store cannot keep a reference to (an `async fn` call's own,
    /// or a thread's that is being torn down): its figures are added to the store now.
    Fold,
    /// As `Report`, and a copy of the report is added to the store: the run's page
    /// ([`HTML_VAR`](crate::spec::HTML_VAR)) shows the calls of per-call functions too.
    Copy,
}

/// Marks a thread whose tables the store lists; its destructor reads them when the thread ends.
struct ThreadMark(Cell<bool>);

impl Drop for ThreadMark {
    fn drop(&mut self) {
        let thread = self as *const ThreadMark as usize;
        unlist_where(|listed| listed.thread == thread);
    }
}

thread_local! {
    static THREAD: ThreadMark = const { ThreadMark(Cell::new(false)) };
}

/// A table the store lists is about to be freed (its thread is ending: the registry of
/// unoptimised builds, `crate::registry`): the store takes its figures and forgets it.
pub(crate) fn unlist(head: *const Head) {
    unlist_where(|listed| std::ptr::eq(listed.head, head));
}

/// The store takes the figures of the listed tables that `which` picks, and forgets them
/// (their thread is ending).
fn unlist_where(which: impl Fn(&Listed) -> bool) {
    crate::alloc::untracked(|| {
        let mut store = store();
        let store = &mut *store;
        let mut i = 0;
        while i < store.listed.len() {
            if which(&store.listed[i]) {
                let listed = store.listed.swap_remove(i);
                // SAFETY: the lock is held.
                let t = unsafe { listed.parts() };
                store.absorb(listed.meta, t, true);
                // Calls made later on this thread (by other thread-locals' destructors) are
                // summed into the store one by one.
                t.head.registered.set(false);
            } else {
                i += 1;
            }
        }
    });
}

/// What the end of an outermost call of `meta` does (see [`End`]), deciding it at the call's
/// start: report at once (per call, held for a limit, or inside a `capture`), keep the
/// figures in the thread's table (listing it if needed), or fold them into the store.
#[inline]
pub(crate) fn end_of_call(
    meta: &'static FnMeta,
    t: Parts<'_>,
    counters: Option<&crate::alloc::ThreadCounters>,
) -> End {
    // (Patterns, not `==`: a derived `eq` is a call in unoptimised builds.)
    if matches!(meta.options.stream, Stream::Held) {
        return End::Report;
    }
    if matches!(crate::output::when(meta.options.report), When::Call) {
        // The run's page shows every call written to a stream, per-call ones too.
        if crate::output::html_path().is_some() {
            let capturing = match counters {
                Some(counters) => counters.captures.get() != 0,
                None => capturing(),
            };
            if !capturing {
                return End::Copy;
            }
        }
        return End::Report;
    }
    let (capturing, owned) = match counters {
        Some(counters) => (counters.captures.get() != 0, false),
        // An `async fn` call (the only one without the counters at hand).
        None => (capturing(), true),
    };
    if capturing {
        // This call's report goes to the capture: the calls before it stay the run's.
        if t.has_calls() {
            fold(meta, t);
        }
        return End::Report;
    }
    if owned {
        return End::Fold;
    }
    if t.head.registered.get() {
        return End::Keep;
    }
    list(meta, t)
}

/// Whether a `capture` is open on this thread.
fn capturing() -> bool {
    match crate::alloc::thread_counters() {
        Some(counters) => counters.captures.get() != 0,
        None => false,
    }
}

/// Lists a thread's table in the store (its first run-wide call on the thread).
#[cold]
fn list(meta: &'static FnMeta, t: Parts<'_>) -> End {
    crate::alloc::untracked(|| {
        let Ok(thread) = THREAD.try_with(|mark| {
            // Touching it registers its destructor.
            mark.0.set(true);
            mark as *const ThreadMark as usize
        }) else {
            // The thread is being torn down: no destructor will read the table.
            return End::Fold;
        };
        let mut store = store();
        if store.written {
            return End::Fold;
        }
        store.listed.push(Listed {
            meta,
            head: t.head,
            lines: t.lines.as_ptr(),
            len: t.lines.len(),
            thread,
        });
        t.head.registered.set(true);
        if !store.hooked {
            store.hooked = true;
            hook();
        }
        End::Keep
    })
}

/// Writes (or captures, or holds) the report of the call that just ended; with `copy`, adds
/// it to the store too (for the run's page only: its text was written per call).
pub(crate) fn report(meta: &'static FnMeta, t: Parts<'_>, copy: bool) {
    crate::alloc::untracked(|| {
        let report = t.take_report(meta, true);
        if copy {
            let mut store = store();
            store.add(meta, report.clone());
            if !store.hooked {
                store.hooked = true;
                hook();
            }
        }
        crate::output::emit(report, &meta.options);
    });
}

/// Adds the calls recorded in `t` to the store now.
pub(crate) fn fold(meta: &'static FnMeta, t: Parts<'_>) {
    crate::alloc::untracked(|| {
        let mut store = store();
        store.absorb(meta, t, true);
        if !store.hooked {
            store.hooked = true;
            hook();
        }
    });
}

/// Writes the run-wide reports (`report = "exit"`) and the run's summary now, with what every
/// thread recorded so far, instead of when the process exits: for a program that ends without
/// exiting (killed by a signal it handles, `std::process::abort`, `panic = "abort"`). Only the
/// first call (or the exit) writes them; calls made afterwards are not reported.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// #[memory_profiler::profile(report = "exit", stream = "stderr")]
/// fn work(n: usize) -> usize {
///     vec![0u8; n].len()
/// }
/// for n in 0..100 {
///     work(n);
/// }
/// // One report of the 100 calls, and the summary, on stderr now.
/// memory_profiler::write_run_reports();
/// ```
pub fn write_run_reports() {
    crate::alloc::untracked(|| {
        let reports = {
            let mut store = store();
            if store.written {
                return;
            }
            store.written = true;
            let store = &mut *store;
            // The tables of the threads still running (this one's too, unless its destructors
            // ran first): read, not emptied, as their threads may still write them. Later
            // calls add nothing that is written.
            for listed in std::mem::take(&mut store.listed) {
                // SAFETY: the lock is held.
                let t = unsafe { listed.parts() };
                store.absorb(listed.meta, t, false);
            }
            std::mem::take(&mut store.reports)
        };
        crate::output::emit_run(
            reports
                .into_iter()
                .map(|(meta, report)| (meta.options, report.into_run_wide()))
                .collect(),
        );
    });
}

/// Installs [`at_exit`] to run when the process exits (`main` returns, `std::process::exit`,
/// the end of a test binary).
fn hook() {
    #[cfg(all(any(unix, windows), not(miri)))]
    {
        extern "C" {
            fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
        }
        // SAFETY: `atexit` is the C library's (POSIX and the Windows CRT have it); it stores
        // the function pointer, which stays valid for the whole life of the process.
        let failed = unsafe { atexit(at_exit) } != 0;
        if failed {
            warn_no_hook();
        }
    }
    // (Miri runs no code at exit: `write_run_reports` writes the reports there.)
    #[cfg(not(any(unix, windows)))]
    warn_no_hook();
}

fn warn_no_hook() {
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "memory_profiler: cannot run code at exit here, so run-wide reports are not written; use `report = \"call\"`"
    );
}

/// Runs when the process exits: writes the run's reports. Nothing may unwind out of it.
extern "C" fn at_exit() {
    let _ = std::panic::catch_unwind(write_run_reports);
}
