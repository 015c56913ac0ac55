//! The per-line recorder behind `#[profile]`.
//!
//! Each profiled function owns a thread-local [`Table`] with one [`LineCell`] per source line
//! (from the attribute's line to the closing brace), and each call keeps a [`Guard`] on its
//! stack. A probe closes the interval of the line that was running, charging it what the heap
//! did since the line started, and opens the next line's interval: a few thread-local reads
//! and writes into a fixed table, with no hashing, locking or allocation. An `async fn` call
//! owns its table instead ([`AsyncGuard`] over a [`SharedTable`]), as its future may move
//! between threads.
//!
//! Input (what the macro emits for `#[profile] fn f() -> usize {` / `let v = vec![0u8; 10];` /
//! `v.len()` / `}` on four lines):
//!
//! ```text
//! fn f() -> usize {
//!     let guard = {
//!         static META: FnMeta = FnMeta { .. };
//!         thread_local!(static TABLE: Table<4> = const { Table::new() });
//!         struct Key; impl TableKey<Table<4>> for Key { .. }   // reaches TABLE
//!         Guard::<Key, 4>::enter(&META, Key)
//!     };
//!     guard.line(1);
//!     let v = vec![0u8; 10];
//!     guard.line(2);
//!     let mark = guard.tail_mark();  // dropped right after the tail value is computed
//!     v.len()
//! }                                  // locals drop, then `guard` charges `}` and reports
//! ```
//!
//! An inner block with locals ends with a probe of its own `}` row (`guard.line(row)` or
//! `guard.reach(row)` after its last statement), or, when it has a tail expression, the same
//! mark (`guard.block_mark(row)`, which reaches that row when the block ends), so that what its
//! locals free is charged there.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::alloc::{self, Sample};
use crate::relaxed::{Flag, LocalFlag, LocalI64, LocalU64, I64, U64};
use crate::report::{self, Measured, Report, Row, Unit};

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
    /// How the reports are written (the environment variable `MEMORY_PROFILER_FORMAT` can
    /// override it for a whole run).
    pub format: Format,
    pub threads: Threads,
}

/// What the macro knows of a function: its name, place and source lines.
#[doc(hidden)]
#[derive(Debug)]
pub struct FnMeta {
    pub name: &'static str,
    pub module_path: &'static str,
    pub file: &'static str,
    /// The line of the `#[profile]` attribute; the table's first row.
    pub first_line: u32,
    /// The source lines from `first_line` to the closing brace.
    pub lines: &'static [&'static str],
    pub options: Options,
}

/// An outer call paused by a nested call of the same function.
#[derive(Clone, Copy, Debug)]
struct Paused {
    cur: u64,
    /// The heap when the paused line's interval started.
    start_live: i64,
    mem_before: i64,
    max_peak: i64,
}

/// The recorder's types, written once and made twice: with plain `Cell`s for functions (one
/// thread-local table per function), and with relaxed atomics for `async fn` calls (a table
/// owned by the call, whose future may move between threads, so it must be `Sync`).
macro_rules! recorder {
    (
        $LineCell:ident, $Run:ident, $Table:ident, $Head:ident, $Parts:ident, $Guard:ident,
        $Core:ident, $TailMark:ident, $I64:ty, $U64:ty, $Flag:ty
    ) => {
        /// The figures of one line, summed over the calls of one report.
        #[doc(hidden)]
        #[derive(Debug)]
        pub struct $LineCell {
            mem: $I64,
            inc: $I64,
            peak: $I64,
            allocs: $U64,
            occ: $U64,
        }

        impl $LineCell {
            const fn new() -> Self {
                $LineCell {
                    mem: <$I64>::new(i64::MIN),
                    inc: <$I64>::new(0),
                    peak: <$I64>::new(0),
                    allocs: <$U64>::new(0),
                    occ: <$U64>::new(0),
                }
            }

            fn clear(&self) {
                self.mem.set(i64::MIN);
                self.inc.set(0);
                self.peak.set(0);
                self.allocs.set(0);
                self.occ.set(0);
            }

            /// An occurrence of this line starts with the heap at `live`: counted, and `live` taken
            /// as its Mem usage until it ends otherwise (if nothing is allocated or freed before the
            /// next probe, the heap after the line is the heap before it). Returns the Mem usage from
            /// before this occurrence, which `charge` needs if the line does change the heap.
            #[inline(always)]
            fn start(&self, live: i64, count: bool) -> i64 {
                let before = self.mem.get();
                if live > before {
                    self.mem.set(live);
                }
                if count {
                    self.occ.set(self.occ.get() + 1);
                }
                before
            }

            /// Charges this line the interval from its start to `now`; `mem_before` is what `start`
            /// returned.
            #[inline(always)]
            fn charge(&self, start_live: i64, start_allocs: u64, mem_before: i64, now: &Sample) {
                self.inc.set(
                    self.inc
                        .get()
                        .wrapping_add(now.live.wrapping_sub(start_live)),
                );
                self.mem.set(mem_before.max(now.live));
                let peak = now.peak.wrapping_sub(start_live);
                if peak > self.peak.get() {
                    self.peak.set(peak);
                }
                self.allocs.set(
                    self.allocs
                        .get()
                        .wrapping_add(now.allocations.wrapping_sub(start_allocs)),
                );
            }
        }

        /// A profiled function's table: one cell per source line (from the attribute's to the closing
        /// brace's), and the state of its calls in progress. A function's table is thread-local, or,
        /// for an `async fn`, owned by the call (its future may move between threads).
        #[doc(hidden)]
        #[derive(Debug)]
        pub struct $Table<const N: usize> {
            head: $Head,
            lines: [$LineCell; N],
        }

        impl<const N: usize> $Table<N> {
            #[allow(clippy::new_without_default)]
            pub const fn new() -> Self {
                $Table {
                    head: $Head::new(),
                    lines: [const { $LineCell::new() }; N],
                }
            }

            /// The table without its size: what the (non-generic) code behind the probes works
            /// on, compiled once in this crate rather than once per profiled function.
            #[inline(always)]
            fn parts(&self) -> $Parts<'_> {
                $Parts {
                    head: &self.head,
                    lines: &self.lines,
                }
            }
        }

        /// The state of a function's calls in progress, beside its lines.
        #[doc(hidden)]
        #[derive(Debug)]
        pub struct $Head {
            depth: $U64,
            /// The heap at entry, the largest over the calls: the attribute row's figure, also when
            /// the whole function is on that row.
            entry: $I64,
            panicked: $Flag,
            cancelled: $Flag,
            measured: $U64,
            /// The interval of the innermost call in progress on this table.
            run: $Run,
        }

        impl $Head {
            const fn new() -> Self {
                $Head {
                    depth: <$U64>::new(0),
                    entry: <$I64>::new(i64::MIN),
                    panicked: <$Flag>::new(false),
                    cancelled: <$Flag>::new(false),
                    measured: <$U64>::new(0),
                    run: $Run::new(),
                }
            }
        }

        /// A table seen through a slice of its lines.
        #[derive(Clone, Copy)]
        struct $Parts<'a> {
            head: &'a $Head,
            lines: &'a [$LineCell],
        }

        impl $Parts<'_> {
            /// Charges the running line what happened since its interval started.
            fn charge_running(self, now: &Sample) {
                let run = &self.head.run;
                if let Some(cell) = self.lines.get(run.cur.get() as usize) {
                    cell.charge(run.live.get(), run.allocs.get(), run.mem_before.get(), now);
                }
                if now.peak > run.max_peak.get() {
                    run.max_peak.set(now.peak);
                }
            }

            /// Row `idx` starts (an occurrence if `count`) with the heap at `now`.
            fn start_line(self, idx: usize, count: bool, now: &Sample) {
                let before = self
                    .lines
                    .get(idx)
                    .map_or(0, |cell| cell.start(now.live, count));
                self.head.run.mem_before.set(before);
                self.head.run.cur.set(idx as u64);
                self.head.run.restart(now);
            }

            fn take_report(self, meta: &'static FnMeta) -> Report {
                let head = self.head;
                let base = if meta.options.relative {
                    head.entry.get()
                } else {
                    0
                };
                let rows = self
                    .lines
                    .iter()
                    .enumerate()
                    .map(|(i, cell)| {
                        let ran = cell.occ.get() > 0;
                        let mem = match (ran, i) {
                            (false, _) => 0,
                            (true, 0) => head.entry.get() - base,
                            (true, _) => cell.mem.get() - base,
                        };
                        let row = Row {
                            line: meta.first_line + i as u32,
                            text: meta.lines.get(i).copied().unwrap_or(""),
                            mem_usage: mem,
                            // The attribute's row shows the heap at entry in both columns, as
                            // memory_profiler's decorator row does.
                            increment: if i == 0 { mem } else { cell.inc.get() },
                            peak: if i == 0 { 0 } else { cell.peak.get() },
                            allocations: if i == 0 { 0 } else { cell.allocs.get() },
                            occurrences: cell.occ.get(),
                        };
                        cell.clear();
                        row
                    })
                    .collect();
                head.entry.set(i64::MIN);
                let panicked = head.panicked.replace(false);
                let cancelled = head.cancelled.replace(false);
                Report::new(
                    meta,
                    rows,
                    measured_of(head.measured.get()),
                    panicked,
                    cancelled,
                )
            }
        }

        /// Where the innermost call of a function stands: its running line, and the heap when
        /// that line's interval started. It lives in the table, so that a nested call of the same
        /// function (recursion, also through other functions) pauses the outer call's line:
        /// each byte is then charged once, to the innermost call, and the rows of the outermost
        /// report add up to what the whole call did.
        #[doc(hidden)]
        #[derive(Debug)]
        pub struct $Run {
            cur: $U64,
            live: $I64,
            allocs: $U64,
            /// `Sample::events` when the interval started.
            events: $U64,
            /// The running line's Mem usage from before its current occurrence.
            mem_before: $I64,
            /// The highest heap seen by this call's probes.
            max_peak: $I64,
        }

        impl $Run {
            const fn new() -> Self {
                $Run {
                    cur: <$U64>::new(0),
                    live: <$I64>::new(0),
                    allocs: <$U64>::new(0),
                    events: <$U64>::new(u64::MAX),
                    mem_before: <$I64>::new(0),
                    max_peak: <$I64>::new(0),
                }
            }

            /// The interval starts at `now`.
            #[inline(always)]
            fn restart(&self, now: &Sample) {
                self.live.set(now.live);
                self.allocs.set(now.allocations);
                self.events.set(now.events);
            }

            fn save(&self) -> Paused {
                Paused {
                    cur: self.cur.get(),
                    start_live: self.live.get(),
                    mem_before: self.mem_before.get(),
                    max_peak: self.max_peak.get(),
                }
            }

            /// The paused outer call goes on from `now`; it saw `inner_peak` meanwhile.
            fn resume(&self, outer: Paused, now: &Sample, inner_peak: i64) {
                self.cur.set(outer.cur);
                self.mem_before.set(outer.mem_before);
                self.max_peak.set(outer.max_peak.max(inner_peak));
                self.restart(now);
            }
        }

        /// One call of a profiled function in progress. Created first in the body, so dropped last:
        /// its `Drop` sees the heap after every local of the function is gone.
        #[doc(hidden)]
        pub struct $Guard<K: TableKey<$Table<N>>, const N: usize> {
            key: K,
            core: $Core,
        }

        /// A call's own state: everything but its table's key, so that the code that works on it
        /// is not generic.
        struct $Core {
            meta: &'static FnMeta,
            source: Source,
            /// The outer call of the same function this call paused, if any.
            paused: Option<Paused>,
            /// The peak of the enclosing measurement when this call began (or last resumed).
            saved_peak: $I64,
            closed: $Flag,
            /// An `async fn` call between a poll that returned `Pending` and the next poll: what
            /// happens on the thread meanwhile is other tasks' work.
            suspended: $Flag,
            outermost: bool,
            /// Whether the thread was unwinding when the call began.
            unwinding_at_entry: bool,
            _process: Option<alloc::ProcessCounting>,
            /// The call's entry on the `mprof run` timeline, when the program runs under it.
            timeline: Option<crate::timeline::Call>,
            /// The call passes through, recording nothing (see `alloc::passing_through`).
            inert: bool,
        }

        impl $Core {
            /// A call starts: records the heap at entry on the attribute's row.
            fn enter(meta: &'static FnMeta, t: $Parts<'_>) -> $Core {
                if alloc::passing_through() {
                    return $Core {
                        meta,
                        source: Source::Thread,
                        paused: None,
                        saved_peak: <$I64>::new(0),
                        closed: <$Flag>::new(true),
                        suspended: <$Flag>::new(false),
                        outermost: false,
                        unwinding_at_entry: false,
                        _process: None,
                        timeline: None,
                        inert: true,
                    };
                }
                let depth = t.head.depth.get();
                t.head.depth.set(depth + 1);
                let outermost = depth == 0;
                let source = if outermost {
                    let source = Source::choose(meta.options.threads);
                    t.head.measured.set(code_of(source.measured()));
                    source
                } else {
                    // Inner (recursive) calls follow the outermost call's heap.
                    measured_source(measured_of(t.head.measured.get()))
                };
                let process = match source {
                    Source::Process => Some(alloc::ProcessCounting::start()),
                    _ => None,
                };
                let timeline = crate::timeline::enter(meta);
                let now = source.sample();
                // An outer call of this function is running: its line pauses here.
                let paused = (!outermost).then(|| {
                    t.charge_running(&now);
                    t.head.run.save()
                });
                t.head.entry.set(t.head.entry.get().max(now.live));
                t.start_line(0, true, &now);
                t.head.run.max_peak.set(now.live);
                $Core {
                    meta,
                    source,
                    paused,
                    saved_peak: <$I64>::new(now.peak),
                    closed: <$Flag>::new(false),
                    suspended: <$Flag>::new(false),
                    outermost,
                    unwinding_at_entry: std::thread::panicking(),
                    _process: process,
                    timeline,
                    inert: false,
                }
            }

            /// The general path of a probe: sample the heap, charge the running line, start
            /// row `idx`.
            #[inline(never)]
            fn step_sampled(&self, t: $Parts<'_>, idx: usize, count: bool) {
                let now = self.source.sample();
                t.charge_running(&now);
                t.start_line(idx, count, &now);
            }

            /// The call ends (`Drop`): the last interval, the closing row if `?` left it, the
            /// outer call resumed, the peak handed back.
            fn leave(&mut self, t: $Parts<'_>) {
                if self.inert {
                    return;
                }
                // A panic leaves this call only if the thread was not already unwinding when the
                // call began (a call made by a `Drop` during an unwinding returns normally).
                let panicking = std::thread::panicking() && !self.unwinding_at_entry;
                // A suspended call is being dropped before it completed (a cancelled future): what
                // the thread did since it was suspended is not its work.
                let cancelled = self.suspended.get();
                let head = t.head;
                if panicking {
                    head.panicked.set(true);
                }
                if cancelled {
                    head.cancelled.set(true);
                }
                head.depth.set(head.depth.get().saturating_sub(1));
                // Sampling restarts the thread's peak, which the enclosing measurement gets back
                // below; a cancelled call does not sample at all, leaving that peak as it is.
                if !cancelled {
                    let now = self.source.sample();
                    t.charge_running(&now);
                    if !self.closed.get() && !panicking {
                        // Left by `?`: the closing brace still ends the call, with the heap as
                        // it is now.
                        if let Some(cell) = t.lines.last() {
                            cell.start(now.live, true);
                        }
                    }
                    let call_peak = head.run.max_peak.get().max(now.peak);
                    if let Some(outer) = self.paused {
                        // The outer call's line goes on from here; the heap it reached while it
                        // waited for this call counts for its Peak.
                        if let Some(cell) = t.lines.get(outer.cur as usize) {
                            let peak = call_peak.wrapping_sub(outer.start_live);
                            if peak > cell.peak.get() {
                                cell.peak.set(peak);
                            }
                        }
                        head.run.resume(outer, &now, call_peak);
                    }
                    self.source
                        .restore_peak(self.saved_peak.get().max(call_peak));
                }
                if let Some(call) = self.timeline.take() {
                    crate::timeline::exit(call, self.meta);
                }
                if self.outermost {
                    let meta = self.meta;
                    alloc::untracked(|| report::emit(t.take_report(meta), &meta.options));
                }
            }

            /// A poll returns `Pending`: charge the running line up to now, and hand the
            /// thread's peak back to whatever measures it while this call waits.
            #[allow(dead_code)] // used by the async kind only
            fn suspend(&self, t: $Parts<'_>) {
                if self.inert {
                    return;
                }
                let now = self.source.sample();
                t.charge_running(&now);
                self.source
                    .restore_peak(self.saved_peak.get().max(t.head.run.max_peak.get()));
                self.suspended.set(true);
            }

            /// The next poll begins, maybe on another thread: intervals restart here.
            #[allow(dead_code)] // used by the async kind only
            fn wake(&self, t: $Parts<'_>) {
                if self.inert {
                    return;
                }
                if self.suspended.replace(false) {
                    let now = self.source.sample();
                    self.saved_peak.set(now.peak);
                    t.head.run.restart(&now);
                    t.head.run.max_peak.set(now.live);
                }
            }
        }

        impl<K: TableKey<$Table<N>>, const N: usize> $Guard<K, N> {
            /// Starts a call: records the heap at entry on the attribute's row.
            #[inline]
            pub fn enter(meta: &'static FnMeta, key: K) -> Self {
                let core = key.with(|t| $Core::enter(meta, t.parts()));
                $Guard { key, core }
            }

            /// Closes the running line's interval and opens row `idx`'s.
            ///
            /// Inlined into every probe of optimised builds; in unoptimised builds (where the
            /// runtime has debug assertions) a call, so that a function of hundreds of lines
            /// does not make the compiler inline hundreds of copies.
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[cfg_attr(debug_assertions, inline(never))]
            fn step(&self, idx: usize, count: Option<bool>) {
                if self.core.inert {
                    return;
                }
                // Fast path: on the thread's heap, when the allocator did nothing since the last
                // probe, the running line ended where it started, which `start` already recorded as
                // its Mem usage: only the new line is touched, at a row known at compile time. Nothing
                // here reads what the previous probe wrote, so consecutive probes do not wait on each
                // other.
                // (Other heaps than the thread's store `u64::MAX` as their events: never equal.)
                // `count`: whether the row starts an occurrence; `None`: unless it is the running
                // row already.
                let changed = self.key.with(|t| {
                    let run = &t.head.run;
                    let count = count.unwrap_or_else(|| run.cur.get() != idx as u64);
                    if alloc::thread_events() != run.events.get() {
                        return Some(count);
                    }
                    let live = run.live.get();
                    let before = t.lines.get(idx).map_or(0, |cell| cell.start(live, count));
                    run.mem_before.set(before);
                    run.cur.set(idx as u64);
                    None
                });
                if let Some(count) = changed {
                    self.key
                        .with(|t| self.core.step_sampled(t.parts(), idx, count));
                }
            }

            /// A statement starts on row `idx`: one more occurrence of that line.
            #[inline(always)]
            pub fn line(&self, idx: usize) {
                self.step(idx, Some(true));
            }

            /// Row `idx` runs again without starting anew: the expression of a `for` or `while` header,
            /// before its first `next()` or condition (which count the occurrences).
            #[inline(always)]
            pub fn resume(&self, idx: usize) {
                self.step(idx, Some(false));
            }

            /// The function is returning: from here on, what happens (locals being dropped) is charged
            /// to the closing brace. Only the first call has an effect.
            #[inline(always)]
            pub fn close(&self) {
                if !self.core.closed.replace(true) {
                    // When the last statement shares the brace's line, that line already started.
                    self.step(N - 1, None);
                }
            }

            /// `return value` becomes `return guard.ret(value)`: the value is computed, then the
            /// function is closing.
            #[inline(always)]
            pub fn ret<T>(&self, value: T) -> T {
                self.close();
                value
            }

            /// Row `idx` is reached after code that may have left it running: the closing brace
            /// of an inner block (see [`block_mark`](Self::block_mark)), or a statement that
            /// follows such a brace on its line. One more occurrence, unless `idx` is the running
            /// row (code before it on the line ran last: one pass over a line is one occurrence);
            /// nothing once the function is returning (its locals then go to its own `}`).
            #[inline(always)]
            pub fn reach(&self, idx: usize) {
                if !self.core.closed.get() {
                    self.step(idx, None);
                }
            }

            /// Declared right before the body's tail expression, so that it is the first local dropped
            /// after the tail value is computed: from then on, the function is closing.
            #[inline(always)]
            pub fn tail_mark(&self) -> $TailMark<'_, K, N> {
                self.block_mark(usize::MAX)
            }

            /// Declared right before the tail expression of an inner block whose `}` is on row
            /// `idx` (or at its end, when it has none), so that it is the first local dropped when
            /// the block ends: what its locals free is charged to that `}` ([`reach`](Self::reach)).
            /// Exits before the mark (`break`, `continue`, `?`) do not reach it.
            #[inline(always)]
            pub fn block_mark(&self, idx: usize) -> $TailMark<'_, K, N> {
                $TailMark {
                    guard: self,
                    row: idx,
                }
            }
        }

        impl<K: TableKey<$Table<N>>, const N: usize> Drop for $Guard<K, N> {
            fn drop(&mut self) {
                let core = &mut self.core;
                self.key.with(|t| core.leave(t.parts()));
            }
        }

        /// See [`Guard::tail_mark`] and [`Guard::block_mark`].
        #[doc(hidden)]
        pub struct $TailMark<'a, K: TableKey<$Table<N>>, const N: usize> {
            guard: &'a $Guard<K, N>,
            /// The row of the block's `}`; `usize::MAX` for the function's own.
            row: usize,
        }

        impl<K: TableKey<$Table<N>>, const N: usize> Drop for $TailMark<'_, K, N> {
            #[inline(always)]
            fn drop(&mut self) {
                // Dropped while a panic leaves the call (one that began after the call did): the
                // block is not ending, the function is not returning.
                let leaving = std::thread::panicking() && !self.guard.core.unwinding_at_entry;
                if !leaving {
                    if self.row == usize::MAX {
                        self.guard.close();
                    } else {
                        self.guard.reach(self.row);
                    }
                }
            }
        }
    };
}

recorder!(LineCell, Run, Table, Head, Parts, Guard, Core, TailMark, LocalI64, LocalU64, LocalFlag);
recorder!(
    SharedLineCell,
    SharedRun,
    SharedTable,
    SharedHead,
    SharedParts,
    AsyncGuard,
    AsyncCore,
    AsyncTailMark,
    I64,
    U64,
    Flag
);

/// Reaches a profiled function's table. For a function, the macro implements it on a
/// zero-sized type of its own whose `with` reaches a thread-local [`Table`] by a direct
/// thread-local access (a `&LocalKey` would be an indirect call per probe); an `async fn`
/// call owns its [`SharedTable`] ([`Owned`]).
#[doc(hidden)]
pub trait TableKey<T> {
    /// Runs `f` with the table.
    fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R;
}

/// The table of one `async fn` call, inside its future.
#[doc(hidden)]
pub struct Owned<T>(T);

impl<T> TableKey<T> for Owned<T> {
    #[inline(always)]
    fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

impl<K: TableKey<SharedTable<N>>, const N: usize> AsyncGuard<K, N> {
    /// In an `async fn`, `fut.await` becomes `guard.polled(fut).await`: the call is charged
    /// with what the awaited future's polls allocate, and not with what runs on the thread
    /// while it waits.
    #[inline(always)]
    pub fn polled<F: IntoFuture>(&self, future: F) -> Polled<'_, K, N, F::IntoFuture> {
        Polled {
            guard: self,
            future: future.into_future(),
        }
    }

    fn suspend(&self) {
        self.key.with(|t| self.core.suspend(t.parts()));
    }

    fn wake(&self) {
        self.key.with(|t| self.core.wake(t.parts()));
    }
}

impl<const N: usize> AsyncGuard<Owned<SharedTable<N>>, N> {
    /// Starts a call of a profiled `async fn`, with its own table.
    #[inline]
    pub fn enter_async(meta: &'static FnMeta) -> Self {
        Self::enter(meta, Owned(SharedTable::new()))
    }
}

/// A heap the probes read.
#[derive(Clone, Copy)]
pub(crate) enum Source {
    Thread,
    Process,
    External(&'static (dyn crate::backend::ExternalStats + Sync)),
    Rss,
}

impl Source {
    /// The heap a report or measurement follows, given what is installed.
    pub(crate) fn choose(threads: Threads) -> Source {
        if alloc::allocator_installed() {
            match threads {
                Threads::Current => Source::Thread,
                Threads::All => Source::Process,
            }
        } else if let Some(ext) = crate::backend::external() {
            Source::External(ext)
        } else {
            Source::Rss
        }
    }

    pub(crate) fn measured(self) -> Measured {
        match self {
            Source::Thread => Measured::ThreadHeap,
            Source::Process => Measured::ProcessHeap,
            Source::External(_) => Measured::StatsAlloc,
            Source::Rss => Measured::ResidentSetSize,
        }
    }

    #[inline(always)]
    pub(crate) fn sample(self) -> Sample {
        match self {
            Source::Thread => alloc::sample_thread(),
            Source::Process => alloc::sample_process(),
            Source::External(ext) => {
                // Another allocator's code: a profiled function it reaches passes through.
                let s = {
                    let _through = alloc::PassThrough::start();
                    ext.stats()
                };
                Sample {
                    live: s.live(),
                    peak: s.live(),
                    allocations: s.allocations,
                    events: u64::MAX,
                }
            }
            Source::Rss => {
                // The first read opens the file (which may allocate): what that reaches passes
                // through.
                let live = {
                    let _through = alloc::PassThrough::start();
                    crate::backend::resident_set_size().unwrap_or(0)
                };
                Sample {
                    live,
                    peak: live,
                    allocations: 0,
                    events: u64::MAX,
                }
            }
        }
    }

    #[inline(always)]
    pub(crate) fn restore_peak(self, peak: i64) {
        match self {
            Source::Thread => alloc::restore_thread_peak(peak),
            Source::Process => alloc::restore_process_peak(peak),
            Source::External(_) | Source::Rss => {}
        }
    }
}

const MEASURED: [Measured; 4] = [
    Measured::ThreadHeap,
    Measured::ProcessHeap,
    Measured::StatsAlloc,
    Measured::ResidentSetSize,
];

fn measured_of(code: u64) -> Measured {
    MEASURED
        .get(code as usize)
        .copied()
        .unwrap_or(Measured::ThreadHeap)
}

fn code_of(measured: Measured) -> u64 {
    MEASURED.iter().position(|m| *m == measured).unwrap_or(0) as u64
}

fn measured_source(measured: Measured) -> Source {
    match measured {
        Measured::ThreadHeap => Source::Thread,
        Measured::ProcessHeap => Source::Process,
        Measured::StatsAlloc => match crate::backend::external() {
            Some(ext) => Source::External(ext),
            None => Source::Rss,
        },
        Measured::ResidentSetSize => Source::Rss,
    }
}

/// A future awaited in a profiled `async fn` (see [`AsyncGuard::polled`]).
#[doc(hidden)]
pub struct Polled<'a, K: TableKey<SharedTable<N>>, const N: usize, F> {
    guard: &'a AsyncGuard<K, N>,
    future: F,
}

impl<K: TableKey<SharedTable<N>>, const N: usize, F: Future> Future for Polled<'_, K, N, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned: it is never moved out of `self` (no method
        // takes it by value, and `Polled` has no `Drop` that could), and `Polled` is `Unpin`
        // only when `F` is.
        let (guard, future) = unsafe {
            let this = self.get_unchecked_mut();
            (this.guard, Pin::new_unchecked(&mut this.future))
        };
        guard.wake();
        let poll = future.poll(cx);
        if poll.is_pending() {
            guard.suspend();
        }
        poll
    }
}
