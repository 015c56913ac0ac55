//! Reports kept rather than written: the per-thread [`capture`] scopes (a closure's, or a
//! `limit` guard's [`CaptureScope`], which hands the reports of the profiled functions its body
//! called to the baseline check), and the report a `limit`ed body holds for its guard.
//!
//! It owns those per-thread stacks; it calls the allocator's counters (`crate::alloc`: the
//! thread's count of open scopes, `untracked`) and the report model.

use std::cell::RefCell;

use crate::report::{Report, Reports};
use crate::spec::{Options, Stream};

thread_local! {
    /// The last report of a `limit`ed function's body, until its limit guard takes it.
    static HELD: RefCell<Option<Report>> = const { RefCell::new(None) };
    /// Open `capture` scopes of this thread, innermost last. (How many: `captures` in the
    /// thread's allocator counters, which a profiled call reads with the others.)
    static CAPTURES: RefCell<Vec<Scope>> = const { RefCell::new(Vec::new()) };
}

/// Counts a `capture` scope of this thread opening (`+1`) or closing (`-1`).
fn count_capture(delta: i32) {
    if let Some(counters) = crate::alloc::thread_counters() {
        let open = counters.captures.get();
        counters.captures.set(open.wrapping_add_signed(delta));
    }
}

/// Takes the report a `limit`ed function's body left (with counting paused).
pub(crate) fn take_held() -> Option<Report> {
    HELD.try_with(|held| held.borrow_mut().take())
        .ok()
        .flatten()
}

/// An open `capture` scope: its reports so far, whether their Mem usage is relative, and the
/// id of its [`CaptureScope`] (0 for `capture`'s own).
struct Scope {
    reports: Reports,
    relative: bool,
    id: u64,
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
/// unchanged (the reports of the scope are dropped). Functions reported run-wide
/// (`report = "exit"`) report their calls inside a capture to the capture, and the rest of
/// their calls at exit.
///
/// # Panics
/// If neither [`Allocator`](crate::Allocator) is the global allocator nor a stats_alloc backend
/// was set ([`use_stats_alloc`](crate::use_stats_alloc)): the figures would be the resident set
/// size, too coarse to test, so it says which lines to add instead.
#[track_caller]
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Reports) {
    capture_in(false, f)
}

/// [`capture`], with each call's Mem usage relative to the heap when the call began (the
/// attribute's row shows 0), as `#[limit]` reports are: the reports then depend only on what
/// the calls did, not on what the thread held before them, so their text can be kept as a
/// snapshot (`insta::assert_snapshot!`) that holds whatever ran before on the thread, under
/// parallel `cargo test` and under nextest alike.
///
/// ```
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// #[memory_profiler::profile(unit = "B")]
/// fn squares(n: u64) -> Vec<u64> {
///     let v: Vec<u64> = (0..n).map(|i| i * i).collect();
///     v
/// }
///
/// let held = vec![0u8; 12_345]; // whatever the thread holds before
/// let (_, reports) = memory_profiler::capture_relative(|| squares(1000));
/// let report = reports.function("squares").unwrap();
/// assert_eq!(report.rows()[0].mem_usage, 0);
/// assert_eq!(report.line_containing("collect()").unwrap().mem_usage, 8000);
/// # drop(held);
/// ```
///
/// # Panics
/// As [`capture`].
#[track_caller]
pub fn capture_relative<T>(f: impl FnOnce() -> T) -> (T, Reports) {
    capture_in(true, f)
}

#[track_caller]
fn capture_in<T>(relative: bool, f: impl FnOnce() -> T) -> (T, Reports) {
    if crate::heap::external().is_none() {
        crate::heap::require_allocator();
    }
    struct Open;
    impl Drop for Open {
        fn drop(&mut self) {
            crate::alloc::untracked(|| {
                count_capture(-1);
                CAPTURES.try_with(|c| c.borrow_mut().pop()).ok().flatten()
            });
        }
    }
    crate::alloc::untracked(|| {
        CAPTURES.with(|c| {
            c.borrow_mut().push(Scope {
                reports: Reports::default(),
                relative,
                id: 0,
            })
        });
        count_capture(1);
    });
    let open = Open;
    let value = f();
    std::mem::forget(open);
    let reports = crate::alloc::untracked(|| {
        count_capture(-1);
        CAPTURES.with(|c| c.borrow_mut().pop())
    })
    .map(|scope| scope.reports)
    .unwrap_or_default();
    (value, reports)
}

/// A capture opened by a guard rather than around a closure (a `limit` with a baseline
/// captures the reports of the profiled functions its body calls): [`CaptureScope::close`]
/// hands them back. It closes only on the thread that opened it, with the scopes opened inside
/// it closed (an `async` body moved to another thread gets nothing, rather than another
/// scope's reports).
pub(crate) struct CaptureScope {
    id: u64,
}

impl CaptureScope {
    /// Opens a scope on this thread (as the profiler's own work), its Mem usage relative.
    pub(crate) fn open() -> CaptureScope {
        use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Relaxed);
        crate::alloc::untracked(|| {
            let _ = CAPTURES.try_with(|c| {
                c.borrow_mut().push(Scope {
                    reports: Reports::default(),
                    relative: true,
                    id,
                })
            });
            count_capture(1);
        });
        CaptureScope { id }
    }

    /// Closes the scope: the reports it captured (as the profiler's own work).
    pub(crate) fn close(self) -> Option<Reports> {
        let id = self.id;
        std::mem::forget(self);
        crate::alloc::untracked(|| {
            CAPTURES
                .try_with(|c| {
                    let mut scopes = c.borrow_mut();
                    if scopes.last().is_some_and(|scope| scope.id == id) {
                        count_capture(-1);
                        scopes.pop().map(|scope| scope.reports)
                    } else {
                        None
                    }
                })
                .ok()
                .flatten()
        })
    }
}

impl Drop for CaptureScope {
    fn drop(&mut self) {
        let scope = CaptureScope { id: self.id };
        drop(scope.close());
    }
}

/// A finished report, kept by the `limit` guard holding it or the innermost `capture` of the
/// thread; `Some(report)` when neither takes it (it is then written), also while the thread is
/// being torn down (a call made by a thread-local's destructor, when this thread's captures
/// are gone: none can be open then).
pub(super) fn take(report: Report, options: &Options) -> Option<Report> {
    if matches!(options.stream, Stream::Held) {
        let _ = HELD.try_with(|held| *held.borrow_mut() = Some(report));
        return None;
    }
    let mut report = Some(report);
    let _ = CAPTURES.try_with(|c| {
        let Ok(mut scopes) = c.try_borrow_mut() else {
            return;
        };
        let Some(top) = scopes.last_mut() else {
            return;
        };
        if let Some(taken) = report.take() {
            if top.relative {
                top.reports.add(taken.into_relative());
            } else {
                top.reports.add(taken);
            }
        }
    });
    report
}
