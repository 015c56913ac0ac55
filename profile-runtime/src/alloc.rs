//! The counting global allocator: [`Allocator`], its hooks on every call, and [`untracked`],
//! the profiler's own work. Its per-thread counters are in `counters`, the process-wide ones in
//! `process`, what users read of them in `stats`.
//!
//! Everything reachable from [`GlobalAlloc`] here obeys three rules: it never allocates, never
//! takes a lock and never panics. The per-thread counters live in a `const`-initialised
//! thread local of plain `Cell`s with no destructor, so they are reachable at any point of a
//! thread's life, also while its other thread locals are being torn down.
//!
//! It owns the allocator's path. It calls only its own submodules; every other module of the
//! runtime may call it (it is the bottom of the pipeline).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::Ordering::Relaxed;

mod counters;
mod process;
mod stats;

use counters::{Counts, THREAD};
use process::{process_event, Event, PROCESS_USERS};

pub(crate) use counters::{
    restore_thread_peak, sample_thread, thread_counters, thread_events, Sample, ThreadCounters,
};
pub(crate) use process::{process_stats, restore_process_peak, sample_process, ProcessCounting};
pub(crate) use stats::installed_known;
pub use stats::{allocator_installed, thread_stats, PassThrough, Stats};

/// A global allocator that counts, per thread, what its inner allocator does.
///
/// Install it once in your binary (or test crate) and every `#[profile]` report, `measure`
/// and `capture` call gets exact byte counts:
///
/// ```
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// let before = memory_profiler::thread_stats();
/// let v: Vec<u64> = Vec::with_capacity(1000);
/// let after = memory_profiler::thread_stats();
/// assert_eq!(after.bytes_allocated - before.bytes_allocated, 8000);
/// # drop(v);
/// ```
///
/// It wraps another allocator (by default [`System`]); `Allocator::new` takes any
/// [`GlobalAlloc`], such as mimalloc's or jemalloc's, and is `const` so it can initialise a
/// `static`. What the inner allocator allocates for its own bookkeeping through the global
/// allocator (dhat's `Alloc` does) is not counted.
///
/// What it counts, for each thread: allocations, deallocations, reallocations, bytes allocated,
/// bytes freed, and the highest live total. A `realloc` counts as one reallocation, with its new
/// size added to the bytes allocated and its old size to the bytes freed (as dhat counts it), so
/// `live = bytes_allocated - bytes_freed` always holds. A `realloc` that moves the block (the
/// inner allocator returned another address) held the old block and the new one at once while
/// it copied: the highest live total counts both (one comparison of pointers on that path, and
/// nothing on `alloc` and `dealloc`). Memory freed on another thread than the
/// one that allocated it is counted as freed by the freeing thread, so a thread's live total can
/// go below zero.
pub struct Allocator<A: GlobalAlloc = System> {
    inner: A,
}

impl Allocator<System> {
    /// The counting allocator over [`System`].
    ///
    /// ```
    /// #[global_allocator]
    /// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// ```
    pub const fn system() -> Self {
        Allocator { inner: System }
    }
}

impl<A: GlobalAlloc> Allocator<A> {
    /// The counting allocator over any inner allocator.
    ///
    /// ```
    /// use std::alloc::System;
    /// #[global_allocator]
    /// static ALLOC: memory_profiler::Allocator<System> = memory_profiler::Allocator::new(System);
    /// ```
    pub const fn new(inner: A) -> Self {
        Allocator { inner }
    }

    /// The allocator this one wraps.
    pub const fn inner(&self) -> &A {
        &self.inner
    }
}

impl<A: GlobalAlloc + 'static> Allocator<A> {
    /// Runs a call of the inner allocator. Allocations it makes for its own bookkeeping through
    /// the global allocator (that is, through us again: dhat does so) are not the program's,
    /// so they are not counted. `System` makes none, and skips this (the test folds away).
    #[inline(always)]
    fn inner_call<R>(f: impl FnOnce() -> R) -> R {
        if !cfg!(feature = "enabled")
            || std::any::TypeId::of::<A>() == std::any::TypeId::of::<System>()
        {
            return f();
        }
        untracked(f)
    }
}

impl<A: GlobalAlloc + 'static> Allocator<A> {
    /// `alloc` of a block aligned more than most, out of the common path: the inner call
    /// there is one call, whatever the inner allocator does for such blocks (`System` calls
    /// `posix_memalign`, whose result it reads from its stack), so `alloc` needs no stack
    /// frame of its own for it. (The same call as in `alloc`, split only for the code it makes.)
    ///
    /// # Safety
    /// `GlobalAlloc::alloc`'s contract.
    #[inline(never)]
    unsafe fn alloc_aligned(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we forward.
        Self::inner_call(|| unsafe { self.inner.alloc(layout) })
    }

    /// `dealloc` while a process-wide measurement runs: out of the common path.
    ///
    /// # Safety
    /// `GlobalAlloc::dealloc`'s contract.
    #[cold]
    #[inline(never)]
    unsafe fn dealloc_process_wide(&self, ptr: *mut u8, layout: Layout) {
        on_dealloc(layout.size());
        process_event(Event::Dealloc, 0, layout.size() as i64, 0);
        // SAFETY: the caller guarantees `ptr` was allocated by this allocator (hence by `inner`)
        // with `layout`.
        Self::inner_call(|| unsafe { self.inner.dealloc(ptr, layout) });
    }
}

// SAFETY: every method forwards to the inner allocator with the caller's arguments unchanged and
// returns its result unchanged; the bookkeeping around the call touches only this thread's
// counters (or relaxed atomics) and cannot allocate, unwind or fail.
unsafe impl<A: GlobalAlloc + 'static> GlobalAlloc for Allocator<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !cfg!(feature = "enabled") {
            // Switched off: the inner allocator's own code, unsplit.
            // SAFETY: as below.
            return unsafe { self.inner.alloc(layout) };
        }
        let ptr = if layout.align() <= 16 && layout.align() <= layout.size() {
            // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we forward.
            Self::inner_call(|| unsafe { self.inner.alloc(layout) })
        } else {
            // SAFETY: as above.
            unsafe { self.alloc_aligned(layout) }
        };
        if !ptr.is_null() {
            on_alloc(layout.size());
        }
        ptr
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = Self::inner_call(|| unsafe { self.inner.alloc_zeroed(layout) });
        if !ptr.is_null() {
            on_alloc(layout.size());
        }
        ptr
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if cfg!(feature = "enabled") && PROCESS_USERS.load(Relaxed) != 0 {
            // SAFETY: the caller's guarantees, forwarded.
            return unsafe { self.dealloc_process_wide(ptr, layout) };
        }
        // Counted first (a deallocation cannot fail), so that the inner call ends the method
        // (a jump, with no frame of its own).
        on_dealloc(layout.size());
        // SAFETY: the caller guarantees `ptr` was allocated by this allocator (hence by `inner`)
        // with `layout`.
        Self::inner_call(|| unsafe { self.inner.dealloc(ptr, layout) });
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract, which we forward.
        let new = Self::inner_call(|| unsafe { self.inner.realloc(ptr, layout, new_size) });
        if !new.is_null() {
            // A block that moved was copied while both were live: the peak saw both.
            on_realloc(layout.size(), new_size, new != ptr);
        }
        new
    }
}

// The allocator's bookkeeping, on every call: a few additions to this thread's counters, a
// comparison for the peak, and one load of `PROCESS_USERS`. Nothing tests whether the thread
// is doing the profiler's own work: `untracked` takes its counts back afterwards instead, so
// that the program's own calls pay nothing for it.

#[inline(always)]
fn on_alloc(size: usize) {
    if !cfg!(feature = "enabled") {
        return;
    }
    // `try_with` cannot fail for a destructor-free const thread local; if it ever did, the event
    // is simply not counted (never a panic inside the allocator).
    let _ = THREAD.try_with(|c| {
        c.allocations.set(c.allocations.get() + 1);
        c.bytes_moved
            .set(c.bytes_moved.get().wrapping_add(size as u64));
        let live = c.live.get().wrapping_add(size as i64);
        c.live.set(live);
        if live > c.peak.get() {
            c.peak.set(live);
        }
    });
    if PROCESS_USERS.load(Relaxed) != 0 {
        process_event(Event::Alloc, size as i64, 0, 0);
    }
}

/// A deallocation, on this thread's counters (`dealloc` counts it process-wide when needed).
#[inline(always)]
fn on_dealloc(size: usize) {
    if !cfg!(feature = "enabled") {
        return;
    }
    let _ = THREAD.try_with(|c| {
        c.deallocations.set(c.deallocations.get() + 1);
        c.bytes_moved
            .set(c.bytes_moved.get().wrapping_add(size as u64));
        c.live.set(c.live.get().wrapping_sub(size as i64));
    });
}

/// A reallocation from `old` to `new` bytes; `moved`: the block moved, so the old one was still
/// live when the new one was made (the data is copied across), and the peak counts both: the
/// live total after the call plus `old`. In place, the peak is the live total after it.
#[inline(always)]
fn on_realloc(old: usize, new: usize, moved: bool) {
    if !cfg!(feature = "enabled") {
        return;
    }
    // Both blocks, for an instant: no branch, a multiplication by 0 or 1.
    let transient = old as i64 * i64::from(moved);
    let _ = THREAD.try_with(|c| {
        c.reallocations.set(c.reallocations.get() + 1);
        c.bytes_moved.set(
            c.bytes_moved
                .get()
                .wrapping_add(new as u64)
                .wrapping_add(old as u64),
        );
        let live = c
            .live
            .get()
            .wrapping_add(new as i64)
            .wrapping_sub(old as i64);
        c.live.set(live);
        if live.wrapping_add(transient) > c.peak.get() {
            c.peak.set(live.wrapping_add(transient));
        }
    });
    if PROCESS_USERS.load(Relaxed) != 0 {
        process_event(Event::Realloc, new as i64, old as i64, transient);
    }
}

/// Runs `f` without counting what it allocates on this thread: the profiler's own work. The
/// thread's counts are saved before and put back after (also when `f` unwinds), so the
/// allocator's path tests nothing for it; meanwhile process-wide counting skips the thread
/// and profiled functions pass through.
pub fn untracked<R>(f: impl FnOnce() -> R) -> R {
    struct Resume(Option<Counts>);
    impl Drop for Resume {
        fn drop(&mut self) {
            let _ = THREAD.try_with(|c| {
                if let Some(counts) = &self.0 {
                    c.set_counts(counts);
                }
                c.paused.set(c.paused.get() - 1);
            });
        }
    }
    let saved = THREAD
        .try_with(|c| {
            c.paused.set(c.paused.get() + 1);
            c.counts()
        })
        .ok();
    let _resume = Resume(saved);
    f()
}
