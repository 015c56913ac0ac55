//! The per-line recorder behind `#[profile]`: tables, probes and the guard of each call.
//!
//! Each profiled function has a table per thread ([`Table`]: one [`LineCell`] per source line,
//! from the attribute's line to the closing brace; a `thread_local!` of its own in optimised
//! builds, the thread's in the runtime's registry in unoptimised ones, `crate::registry`),
//! and each call keeps a [`Guard`] on its stack. A probe closes the interval of the line that
//! was running, charging it what the heap did since the line started, and opens the next
//! line's interval: a few thread-local reads and writes into a fixed table, with no hashing,
//! locking or allocation. An `async fn` call
//! owns its table instead ([`Owned`]), as its future may move between threads.
//!
//! The cells are relaxed atomics: each table is written by one thread at a time (loads and
//! stores, which compile to plain moves), and it can still be read from another thread, as the
//! run-wide reports do at exit ([`crate::run`]).
//!
//! Here: the guard and the probes, the part that the expansion instantiates and inlines in the
//! user's crate ([`Guard`], [`TailMark`], [`TableKey`], [`Owned`], [`Polled`]). The call's own
//! state and everything off the fast path, compiled once in the runtime, are in `call`; the
//! tables in `crate::table`. The fast path calls only the table and the thread's counters
//! (`crate::alloc`); `call` calls the heaps, the run-wide store (which hands reports to
//! `crate::output`) and the `mprof` timeline.
//!
//! Input (what the macro emits for `#[profile] fn f() -> usize {` / `let v = vec![0u8; 10];` /
//! `v.len()` / `}` on four lines):
//!
//! ```text
//! fn f() -> usize {
//!     let guard = {
//!         static META: FnMeta = FnMeta { .. };
//!         enter!(4, &META)   // the key that reaches the thread's table of 4 lines (a
//!     };                     // thread_local! or the registry's), `Guard::enter(&META, key)`
//!     let probes = guard.probes();   // the guard, or in unoptimised builds a non-generic
//!     probes.line(1);                // handle (`Probes`)
//!     let v = vec![0u8; 10];
//!     probes.line(2);
//!     let mark = probes.tail_mark();  // dropped right after the tail value is computed
//!     v.len()
//! }                                   // locals drop, then `guard` charges `}` and reports
//! ```
//!
//! An inner block with locals ends with a probe of its own `}` row (`guard.line(row)` or
//! `guard.reach(row)` after its last statement), or, when it has a tail expression, the same
//! mark (`guard.block_mark(row)`, which reaches that row when the block ends), so that what its
//! locals free is charged there.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

mod call;
mod probes;

use self::call::Core;
#[cfg(debug_assertions)]
pub use self::probes::{Probes, ProbesMark};
use crate::spec::FnMeta;
use crate::table::Table;

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

impl<K: TableKey<Table<N>>, const N: usize> Guard<K, N> {
    /// Starts a call: records the heap at entry on the attribute's row. (Out of line where
    /// the runtime has debug assertions, as the probes are: one copy per key and size, not
    /// one in each function, and in each copy of an inlined function, of optimised builds
    /// with debug assertions, as `cargo test` with `opt-level = 3` makes.)
    #[cfg_attr(not(debug_assertions), inline)]
    #[cfg_attr(debug_assertions, inline(never))]
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
            // Optimised builds reach the thread-local table again, which costs an address
            // computation and, unlike the pointer kept in the guard, cannot be changed by the
            // probes' stores: the guard's fields would be reloaded at every probe.
            None if !cfg!(debug_assertions) => self.key.with(|t| {
                // SAFETY: the function's thread-local table, which lives as long as the
                // thread; the guard never leaves the thread (see `Guard`'s `Send`), which
                // outlives it.
                unsafe { &*(t as *const Table<N>) }
            }),
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
        if cfg!(debug_assertions) {
            // Unoptimised builds: the runtime's own, not generic, copy (see `Core::step_at`).
            self.core.step_at(self.table().parts(), idx, count);
            return;
        }
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
            None => run.row() != idx,
        };
        if self.core.events() != run.events.get() {
            self.core.step_sampled(t.parts(), idx, count);
            return;
        }
        run.begin(&t.lines[idx], idx, run.live.get(), count);
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
    // (Out of line where the runtime has debug assertions: see `enter`.)
    #[cfg_attr(debug_assertions, inline(never))]
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
        if cfg!(debug_assertions) {
            // Unoptimised builds: the runtime's own copy (see `Core::tail_at`).
            self.guard
                .core
                .tail_at(self.guard.table().parts(), self.row);
            return;
        }
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

/// Reaches a profiled function's table. For a function in an optimised build, the macro
/// implements it on a zero-sized type of its own whose `with` reaches a thread-local
/// [`Table`] by a direct thread-local access (a `&LocalKey` would be an indirect call per
/// probe); in an unoptimised build the key is the table found in the thread's registry
/// (`Registered`, `crate::registry`); an `async fn` call owns its table ([`Owned`]).
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
