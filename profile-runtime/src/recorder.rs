//! The per-line recorder behind `#[profile]`: tables, probes and the guard of each call.
//!
//! Each profiled function owns a thread-local [`Table`] with one [`LineCell`] per source line
//! (from the attribute's line to the closing brace), and each call keeps a [`Guard`] on its
//! stack. A probe closes the interval of the line that was running, charging it what the heap
//! did since the line started, and opens the next line's interval: a few thread-local reads
//! and writes into a fixed table, with no hashing, locking or allocation. An `async fn` call
//! owns its table instead ([`Owned`]), as its future may move between threads.
//!
//! The cells are relaxed atomics: each table is written by one thread at a time (loads and
//! stores, which compile to plain moves), and it can still be read from another thread, as the
//! run-wide reports do at exit ([`crate::run`]).
//!
//! It owns the tables and the per-call state; it calls the allocator's counters (`alloc`), the
//! report model (`report`, to build a [`Report`]), the run-wide store (`run`), the output (to
//! hand a finished report over) and the `mprof` timeline.
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
use crate::heap::Measured;
use crate::relaxed::{Flag, I64};
use crate::run::End;
use crate::spec::FnMeta;
use crate::table::{Parts, Paused, Table};

/// One call of a profiled function in progress. Created first in the body, so dropped last:
/// its `Drop` sees the heap after every local of the function is gone.
#[doc(hidden)]
pub struct Guard<K: TableKey<Table<N>>, const N: usize> {
    key: K,
    /// The thread's table, for a function (reached once, when the call starts); null for an
    /// `async fn` call, whose table is in `key`.
    table: *const Table<N>,
    core: Core,
}

// SAFETY: `table` is non-null only for a function's call, whose guard is a local of the
// function's own frame that its code cannot name (hygiene): it never leaves its thread, whose
// table it points to. The guard of an `async fn` call, which may move between threads with its
// future, holds its table in `key` and a null `table`.
unsafe impl<K: TableKey<Table<N>> + Send, const N: usize> Send for Guard<K, N> {}
// SAFETY: as for `Send`; shared, the guard of an `async fn` call only reads and writes its
// table's cells, which are `Sync`.
unsafe impl<K: TableKey<Table<N>> + Sync, const N: usize> Sync for Guard<K, N> {}

/// The guard of an `async fn` call (the same type: the name the expansion uses).
#[doc(hidden)]
pub type AsyncGuard<K, const N: usize> = Guard<K, N>;

/// A call's own state: everything but its table's key, so that the code that works on it is
/// not generic.
struct Core {
    meta: &'static FnMeta,
    /// The heap the call follows (the outermost call's).
    source: Measured,
    /// The outer call of the same function this call paused, if any.
    paused: Option<Paused>,
    /// The peak of the enclosing measurement when this call began (or last resumed).
    saved_peak: I64,
    /// The heap at this call's entry.
    entry_live: i64,
    closed: Flag,
    /// An `async fn` call between a poll that returned `Pending` and the next poll: what
    /// happens on the thread meanwhile is other tasks' work.
    suspended: Flag,
    end: End,
    /// The call began inside the profiler's own work on this thread (it is one of the
    /// program's functions that the profiler's work reached, such as a profiled method of
    /// the program's own global allocator): it records nothing.
    passthrough: bool,
    /// Whether the thread was unwinding when the call began.
    unwinding_at_entry: bool,
    _process: Option<alloc::ProcessCounting>,
    /// The call's entry on the `mprof run` timeline, when the program runs under it.
    timeline: Option<crate::timeline::Call>,
    /// The thread's counters, for a function's call (reached once, when the call starts): the
    /// probes read them without a thread-local access. `None` for an `async fn` call, which
    /// may move between threads (see `Guard`'s `Send`).
    counters: Option<&'static alloc::ThreadCounters>,
}

// SAFETY: `counters` is `Some` only in the call of a function, whose guard never leaves its
// thread (see `Guard`'s `Send`); otherwise a `Core` holds `Sync` cells and plain values.
unsafe impl Send for Core {}
// SAFETY: as for `Send`.
unsafe impl Sync for Core {}

impl Core {
    /// A call that records nothing (see `passthrough`).
    #[cold]
    fn passthrough(meta: &'static FnMeta) -> Core {
        Core {
            meta,
            source: Measured::ResidentSetSize,
            paused: None,
            saved_peak: I64::new(0),
            entry_live: 0,
            closed: Flag::new(true),
            suspended: Flag::new(false),
            end: End::Inner,
            passthrough: true,
            unwinding_at_entry: false,
            _process: None,
            timeline: None,
            counters: None,
        }
    }

    /// The heap now: the thread's (through the counters the call keeps) or another.
    #[inline(always)]
    fn sample(&self) -> Sample {
        match (self.source, self.counters) {
            (Measured::ThreadHeap, Some(counters)) => counters.sample(),
            (source, _) => source.sample(),
        }
    }

    #[inline(always)]
    fn restore_peak(&self, peak: i64) {
        match (self.source, self.counters) {
            (Measured::ThreadHeap, Some(counters)) => counters.restore_peak(peak),
            (source, _) => source.restore_peak(peak),
        }
    }

    /// The thread's allocator events so far (see `Guard::step`).
    #[inline(always)]
    fn events(&self) -> u64 {
        match self.counters {
            Some(counters) => counters.events(),
            None => alloc::thread_events(),
        }
    }

    /// The heap an outermost call follows, while it is not known yet whether the counting
    /// allocator is installed (the process's first calls).
    #[cold]
    fn choose(meta: &'static FnMeta) -> Measured {
        alloc::untracked(|| Measured::choose(meta.options.threads))
    }

    /// A call starts: records the heap at entry on the attribute's row. `owned`: the table is
    /// the call's own (an `async fn`'s), not the thread's.
    fn enter(meta: &'static FnMeta, t: Parts<'_>, owned: bool) -> Core {
        let counters = alloc::thread_counters();
        let through = match counters {
            Some(counters) => counters.passing_through(),
            None => true,
        };
        if through {
            return Core::passthrough(meta);
        }
        // An `async fn` call may move between threads: it reaches the counters every time.
        let counters = if owned { None } else { counters };
        let depth = t.head.depth.get();
        t.head.depth.set(depth + 1);
        if depth != 0 {
            return Core::enter_nested(meta, t, counters);
        }
        let source = match alloc::installed_known() {
            // Known (after the first call of the process): no work of the profiler's own.
            Some(true) => Measured::counted(meta.options.threads),
            _ => Core::choose(meta),
        };
        t.head.measured.set(source.code());
        let end = crate::run::end_of_call(meta, t, counters);
        let process = match source {
            Measured::ProcessHeap => Some(alloc::ProcessCounting::start()),
            _ => None,
        };
        let timeline = crate::timeline::enter(meta);
        let mut core = Core {
            meta,
            source,
            paused: None,
            saved_peak: I64::new(0),
            entry_live: 0,
            closed: Flag::new(false),
            suspended: Flag::new(false),
            end,
            passthrough: false,
            unwinding_at_entry: std::thread::panicking(),
            _process: process,
            timeline,
            counters,
        };
        let now = core.sample();
        if now.live > t.head.entry.get() {
            t.head.entry.set(now.live);
        }
        t.start_line(0, true, &now);
        t.head.run.max_peak.set(now.live);
        core.saved_peak = I64::new(now.peak);
        core.entry_live = now.live;
        core
    }

    /// A nested (recursive) call starts: it follows the outermost call's heap, and the outer
    /// call's running line pauses until it ends.
    #[cold]
    #[inline(never)]
    fn enter_nested(
        meta: &'static FnMeta,
        t: Parts<'_>,
        counters: Option<&'static alloc::ThreadCounters>,
    ) -> Core {
        let source = Measured::from_code(t.head.measured.get());
        let process = match source {
            Measured::ProcessHeap => Some(alloc::ProcessCounting::start()),
            _ => None,
        };
        let timeline = crate::timeline::enter(meta);
        let mut core = Core {
            meta,
            source,
            paused: None,
            saved_peak: I64::new(0),
            entry_live: 0,
            closed: Flag::new(false),
            suspended: Flag::new(false),
            end: End::Inner,
            passthrough: false,
            unwinding_at_entry: std::thread::panicking(),
            _process: process,
            timeline,
            counters,
        };
        let now = core.sample();
        t.charge_running(&now);
        core.paused = Some(t.head.run.save());
        t.start_line(0, true, &now);
        t.head.run.max_peak.set(now.live);
        core.saved_peak = I64::new(now.peak);
        core.entry_live = now.live;
        core
    }

    /// The general path of a probe: sample the heap, charge the running line, start row `idx`.
    #[inline(never)]
    fn step_sampled(&self, t: Parts<'_>, idx: usize, count: bool) {
        if self.passthrough {
            return;
        }
        let now = self.sample();
        t.charge_running(&now);
        t.start_line(idx, count, &now);
    }

    /// The call ends (`Drop`): the last interval, the closing row if `?` left it, the outer
    /// call resumed, the peak handed back, and the report written, kept or folded.
    fn leave(&mut self, t: Parts<'_>) {
        if self.passthrough {
            return;
        }
        // A panic leaves this call only if the thread was not already unwinding when the call
        // began (a call made by a `Drop` during an unwinding returns normally).
        let panicking = std::thread::panicking() && !self.unwinding_at_entry;
        // A suspended call is being dropped before it completed (a cancelled future): what the
        // thread did since it was suspended is not its work.
        let cancelled = self.suspended.get();
        let head = t.head;
        if panicking {
            head.panicked.set(true);
        }
        if cancelled {
            head.cancelled.set(true);
        }
        head.depth.set(head.depth.get().saturating_sub(1));
        // Sampling restarts the thread's peak, which the enclosing measurement gets back below;
        // a cancelled call does not sample at all, leaving that peak as it is.
        if !cancelled {
            let run = &head.run;
            let now = if matches!(self.source, Measured::ThreadHeap)
                && self.events() == run.events.get()
            {
                // Nothing was allocated or freed since the last probe: the running line ended
                // where it started (see `Guard::step`), and the thread's peak is the heap then.
                run.unchanged()
            } else {
                let now = self.sample();
                t.charge_running(&now);
                now
            };
            if !self.closed.get() && !panicking {
                // Left by `?`: the closing brace still ends the call, with the heap as it is now.
                if let Some(cell) = t.lines.last() {
                    cell.start(now.live, true);
                }
            }
            let mut call_peak = head.run.max_peak.get();
            if now.peak > call_peak {
                call_peak = now.peak;
            }
            match self.paused {
                Some(outer) => {
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
                None => {
                    let peak = call_peak.wrapping_sub(self.entry_live);
                    if peak > head.peak.get() {
                        head.peak.set(peak);
                    }
                }
            }
            let saved = self.saved_peak.get();
            self.restore_peak(if saved > call_peak { saved } else { call_peak });
        }
        if let Some(call) = self.timeline.take() {
            crate::timeline::exit(call, self.meta);
        }
        match self.end {
            End::Inner | End::Keep => {}
            End::Report => crate::run::report(self.meta, t, false),
            End::Copy => crate::run::report(self.meta, t, true),
            End::Fold => crate::run::fold(self.meta, t),
        }
    }

    /// A poll returns `Pending`: charge the running line up to now, and hand the thread's peak
    /// back to whatever measures it while this call waits.
    fn suspend(&self, t: Parts<'_>) {
        if self.passthrough {
            return;
        }
        let now = self.sample();
        t.charge_running(&now);
        self.restore_peak(self.saved_peak.get().max(t.head.run.max_peak.get()));
        self.suspended.set(true);
    }

    /// The next poll begins, maybe on another thread: intervals restart here.
    fn wake(&self, t: Parts<'_>) {
        if self.suspended.replace(false) {
            let now = self.sample();
            self.saved_peak.set(now.peak);
            t.head.run.restart(&now);
            t.head.run.max_peak.set(now.live);
        }
    }
}

impl<K: TableKey<Table<N>>, const N: usize> Guard<K, N> {
    /// Starts a call: records the heap at entry on the attribute's row.
    #[inline]
    pub fn enter(meta: &'static FnMeta, key: K) -> Self {
        let (table, core) = match key.own() {
            Some(t) => (std::ptr::null(), Core::enter(meta, t.parts(), true)),
            None => key.with(|t| (t as *const Table<N>, Core::enter(meta, t.parts(), false))),
        };
        Guard { key, table, core }
    }

    /// The call's table.
    #[inline(always)]
    fn table(&self) -> &Table<N> {
        match self.key.own() {
            Some(t) => t,
            // SAFETY: a function's thread-local table, reached on this thread when the call
            // began; the guard never leaves the thread, which outlives the call.
            None => unsafe { &*self.table },
        }
    }

    /// Closes the running line's interval and opens row `idx`'s.
    ///
    /// Inlined into every probe of optimised builds; in unoptimised builds (where the runtime
    /// has debug assertions) a call, so that a function of hundreds of lines does not make the
    /// compiler inline hundreds of copies.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline(never))]
    fn step(&self, idx: usize, count: Option<bool>) {
        if self.core.passthrough {
            return;
        }
        // Fast path: on the thread's heap, when the allocator did nothing since the last probe,
        // the running line ended where it started, which `start` already recorded as its Mem
        // usage: only the new line is touched, at a row known at compile time. Nothing here
        // reads what the previous probe wrote, so consecutive probes do not wait on each other.
        // (Other heaps than the thread's store `u64::MAX` as their events: never equal.)
        // `count`: whether the row starts an occurrence; `None`: unless it is the running row
        // already.
        // (Written without closures or helpers of the standard library, which are calls in
        // unoptimised builds.)
        let t = self.table();
        let run = &t.head.run;
        let count = match count {
            Some(count) => count,
            None => run.cur.get() != idx as u64,
        };
        if self.core.events() != run.events.get() {
            self.core.step_sampled(t.parts(), idx, count);
            return;
        }
        let before = t.lines[idx].start(run.live.get(), count);
        run.mem_before.set(before);
        run.cur.set(idx as u64);
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

    /// Row `idx` is reached after code that may have left it running: the closing brace of an
    /// inner block (see [`block_mark`](Self::block_mark)), or a statement that follows such a
    /// brace on its line. One more occurrence, unless `idx` is the running row (code before it
    /// on the line ran last: one pass over a line is one occurrence); nothing once the function
    /// is returning (its locals then go to its own `}`).
    #[inline(always)]
    pub fn reach(&self, idx: usize) {
        if !self.core.closed.get() {
            self.step(idx, None);
        }
    }

    /// Declared right before the body's tail expression, so that it is the first local dropped
    /// after the tail value is computed: from then on, the function is closing.
    #[inline(always)]
    pub fn tail_mark(&self) -> TailMark<'_, K, N> {
        self.block_mark(usize::MAX)
    }

    /// Declared right before the tail expression of an inner block whose `}` is on row `idx`
    /// (or at its end, when it has none), so that it is the first local dropped when the block
    /// ends: what its locals free is charged to that `}` ([`reach`](Self::reach)). Exits
    /// before the mark (`break`, `continue`, `?`) do not reach it.
    #[inline(always)]
    pub fn block_mark(&self, idx: usize) -> TailMark<'_, K, N> {
        TailMark {
            guard: self,
            row: idx,
        }
    }
}

impl<K: TableKey<Table<N>>, const N: usize> Drop for Guard<K, N> {
    fn drop(&mut self) {
        let Guard { key, table, core } = self;
        let t = match key.own() {
            Some(t) => t,
            // SAFETY: as in `Guard::table`.
            None => unsafe { &**table },
        };
        core.leave(t.parts());
    }
}

/// See [`Guard::tail_mark`] and [`Guard::block_mark`].
#[doc(hidden)]
pub struct TailMark<'a, K: TableKey<Table<N>>, const N: usize> {
    guard: &'a Guard<K, N>,
    /// The row of the block's `}`; `usize::MAX` for the function's own.
    row: usize,
}

/// The tail mark of an `async fn` call (the same type: the name the expansion uses).
#[doc(hidden)]
pub type AsyncTailMark<'a, K, const N: usize> = TailMark<'a, K, N>;

impl<K: TableKey<Table<N>>, const N: usize> Drop for TailMark<'_, K, N> {
    #[inline(always)]
    fn drop(&mut self) {
        // Dropped while a panic leaves the call (one that began after the call did): the block
        // is not ending, the function is not returning.
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

/// Reaches a profiled function's table. For a function, the macro implements it on a
/// zero-sized type of its own whose `with` reaches a thread-local [`Table`] by a direct
/// thread-local access (a `&LocalKey` would be an indirect call per probe); an `async fn`
/// call owns its table ([`Owned`]).
#[doc(hidden)]
pub trait TableKey<T> {
    /// Whether the table is a thread's (a `thread_local!`), which lives as long as the thread,
    /// rather than the call's own.
    const THREAD_LOCAL: bool = true;

    /// Runs `f` with the table.
    fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R;

    /// The table, when the key holds it (an `async fn` call's own).
    #[inline(always)]
    fn own(&self) -> Option<&T> {
        None
    }
}

/// The table of one `async fn` call, inside its future.
#[doc(hidden)]
pub struct Owned<T>(T);

impl<T> TableKey<T> for Owned<T> {
    const THREAD_LOCAL: bool = false;

    #[inline(always)]
    fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }

    #[inline(always)]
    fn own(&self) -> Option<&T> {
        Some(&self.0)
    }
}

impl<K: TableKey<Table<N>>, const N: usize> Guard<K, N> {
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
        self.core.suspend(self.table().parts());
    }

    fn wake(&self) {
        self.core.wake(self.table().parts());
    }
}

impl<const N: usize> Guard<Owned<Table<N>>, N> {
    /// Starts a call of a profiled `async fn`, with its own table.
    #[inline]
    pub fn enter_async(meta: &'static FnMeta) -> Self {
        Self::enter(meta, Owned(Table::new()))
    }
}

/// A future awaited in a profiled `async fn` (see [`Guard::polled`]).
#[doc(hidden)]
pub struct Polled<'a, K: TableKey<Table<N>>, const N: usize, F> {
    guard: &'a Guard<K, N>,
    future: F,
}

impl<K: TableKey<Table<N>>, const N: usize, F: Future> Future for Polled<'_, K, N, F> {
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
