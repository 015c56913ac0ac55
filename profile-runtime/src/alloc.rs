//! The counting global allocator and its per-thread counters.
//!
//! Everything reachable from [`GlobalAlloc`] here obeys three rules: it never allocates, never
//! takes a lock and never panics. The per-thread counters live in a `const`-initialised
//! thread local of plain `Cell`s with no destructor, so they are reachable at any point of a
//! thread's life, also while its other thread locals are being torn down.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering::Relaxed};

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

/// A counter of one thread: a `Cell` whose `get` and `set` are `#[inline(always)]` and call
/// nothing, because they run in every allocation and every probe of the user's crate, which is
/// often built unoptimised (`cargo test`), where `Cell::get` would be a call.
pub(crate) struct Slot<T: Copy>(std::cell::UnsafeCell<T>);

impl<T: Copy> Slot<T> {
    const fn new(value: T) -> Self {
        Slot(std::cell::UnsafeCell::new(value))
    }

    #[inline(always)]
    pub(crate) fn get(&self) -> T {
        // SAFETY: a `Slot` is `!Sync` (its `UnsafeCell`), so only its thread reaches it, and no
        // reference into it is ever handed out: nothing else accesses it during this read.
        unsafe { *self.0.get() }
    }

    #[inline(always)]
    pub(crate) fn set(&self, value: T) {
        // SAFETY: as for `get`.
        unsafe { *self.0.get() = value }
    }
}

/// One thread's counters. Only the owning thread touches them.
pub(crate) struct ThreadCounters {
    allocations: Slot<u64>,
    deallocations: Slot<u64>,
    reallocations: Slot<u64>,
    /// Bytes allocated plus bytes freed. Every allocator event raises it (no block is empty),
    /// so a probe that finds it unchanged knows, with one read, that nothing happened.
    bytes_moved: Slot<u64>,
    /// Bytes allocated minus bytes freed. With `bytes_moved`, it gives both (`moved + live` is
    /// twice the bytes allocated, `moved - live` twice the bytes freed), and it is the figure
    /// the peak is compared with: an event updates these two, one count and the peak.
    live: Slot<i64>,
    /// The highest live total since the innermost open measurement started (see `sample`).
    peak: Slot<i64>,
    /// While non-zero, the thread does the profiler's own work ([`untracked`]): what it
    /// allocates is taken back from the counters when that work ends, process-wide counting
    /// skips it, and profiled functions pass through.
    paused: Slot<u32>,
    /// While non-zero, profiled functions pass through (no recording): the thread is inside
    /// the program's global allocator, or inside the profiler's own first-call work.
    through: Slot<u32>,
    /// How many `capture` scopes are open on the thread (see `crate::output::capture`): here,
    /// so that a profiled call reads it with the other counters.
    pub(crate) captures: Slot<u32>,
}

impl ThreadCounters {
    const fn new() -> Self {
        ThreadCounters {
            allocations: Slot::new(0),
            deallocations: Slot::new(0),
            reallocations: Slot::new(0),
            bytes_moved: Slot::new(0),
            live: Slot::new(0),
            peak: Slot::new(0),
            paused: Slot::new(0),
            through: Slot::new(0),
            captures: Slot::new(0),
        }
    }

    /// Bytes moved so far (see `Sample::events`): the probes' test for "nothing happened".
    #[inline(always)]
    pub(crate) fn events(&self) -> u64 {
        self.bytes_moved.get()
    }

    /// Whether a profiled function entered now passes through, recording nothing: the thread is
    /// inside the profiler's own work (`untracked`, or a first call's set-up), inside the inner
    /// allocator of [`Allocator`], or inside the program's own global allocator (its `alloc`,
    /// `dealloc`, `realloc` and `alloc_zeroed`, when profiled, are marked by the macro). Recording
    /// there would allocate inside the allocator, or recurse into the profiler.
    #[inline(always)]
    pub(crate) fn passing_through(&self) -> bool {
        self.paused.get() != 0 || self.through.get() != 0
    }

    /// Reads this thread's heap and restarts its peak at the current live total.
    #[inline(always)]
    pub(crate) fn sample(&self) -> Sample {
        let moved = self.bytes_moved.get();
        let live = self.live.get();
        let allocated = allocated_of(moved, live);
        let mut peak = self.peak.get();
        self.peak.set(live);
        if live > peak {
            peak = live;
        }
        Sample {
            live,
            peak,
            allocations: self.allocations.get(),
            reallocations: self.reallocations.get(),
            allocated,
            events: moved,
        }
    }

    /// Restores the peak of an enclosing measurement after an inner one ended (see
    /// [`restore_thread_peak`]).
    #[inline(always)]
    pub(crate) fn restore_peak(&self, peak: i64) {
        if peak > self.peak.get() {
            self.peak.set(peak);
        }
    }

    /// The counts that allocator events change: what [`untracked`] saves and puts back.
    #[inline(always)]
    fn counts(&self) -> Counts {
        Counts {
            allocations: self.allocations.get(),
            deallocations: self.deallocations.get(),
            reallocations: self.reallocations.get(),
            bytes_moved: self.bytes_moved.get(),
            live: self.live.get(),
            peak: self.peak.get(),
        }
    }

    #[inline(always)]
    fn set_counts(&self, counts: &Counts) {
        self.allocations.set(counts.allocations);
        self.deallocations.set(counts.deallocations);
        self.reallocations.set(counts.reallocations);
        self.bytes_moved.set(counts.bytes_moved);
        self.live.set(counts.live);
        self.peak.set(counts.peak);
    }
}

/// The bytes allocated, from the bytes moved (allocated plus freed) and the live total
/// (allocated minus freed): half their sum. Exact while fewer than 2^63 bytes were allocated.
#[inline(always)]
fn allocated_of(moved: u64, live: i64) -> u64 {
    moved.wrapping_add(live as u64) >> 1
}

/// The bytes freed: half the bytes moved minus the live total.
#[inline(always)]
fn freed_of(moved: u64, live: i64) -> u64 {
    moved.wrapping_sub(live as u64) >> 1
}

/// A copy of a thread's counts (see [`ThreadCounters::counts`]).
#[derive(Clone, Copy)]
struct Counts {
    allocations: u64,
    deallocations: u64,
    reallocations: u64,
    bytes_moved: u64,
    live: i64,
    peak: i64,
}

thread_local! {
    // `const` and free of destructors: no lazy initialisation, no registration, no allocation,
    // and accessible during thread teardown.
    static THREAD: ThreadCounters = const { ThreadCounters::new() };
}

/// Process-wide counters, kept only while a process-wide measurement runs
/// (`PROCESS_USERS > 0`), so that the default per-thread path touches no shared cache line
/// other than reading `PROCESS_USERS`.
struct ProcessCounters {
    allocations: AtomicU64,
    deallocations: AtomicU64,
    reallocations: AtomicU64,
    bytes_allocated: AtomicU64,
    bytes_freed: AtomicU64,
    live: AtomicI64,
    peak: AtomicI64,
}

static PROCESS: ProcessCounters = ProcessCounters {
    allocations: AtomicU64::new(0),
    deallocations: AtomicU64::new(0),
    reallocations: AtomicU64::new(0),
    bytes_allocated: AtomicU64::new(0),
    bytes_freed: AtomicU64::new(0),
    live: AtomicI64::new(0),
    peak: AtomicI64::new(0),
};
static PROCESS_USERS: AtomicUsize = AtomicUsize::new(0);

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

/// What the allocator was asked to do.
#[derive(Clone, Copy)]
enum Event {
    Alloc,
    Dealloc,
    Realloc,
}

/// An allocator event while a process-wide measurement runs: `allocated` bytes (of an
/// allocation, or a reallocation's new size), `freed` bytes (of a deallocation, or a
/// reallocation's old size), `transient` bytes live for an instant (a moved reallocation's old
/// block). Not for the profiler's own work (see [`untracked`]).
#[cold]
#[inline(never)]
fn process_event(event: Event, allocated: i64, freed: i64, transient: i64) {
    if THREAD.try_with(|c| c.paused.get() != 0).unwrap_or(true) {
        return;
    }
    match event {
        Event::Alloc => PROCESS.allocations.fetch_add(1, Relaxed),
        Event::Dealloc => PROCESS.deallocations.fetch_add(1, Relaxed),
        Event::Realloc => PROCESS.reallocations.fetch_add(1, Relaxed),
    };
    PROCESS.bytes_allocated.fetch_add(allocated as u64, Relaxed);
    PROCESS.bytes_freed.fetch_add(freed as u64, Relaxed);
    let delta = allocated - freed;
    let live = PROCESS.live.fetch_add(delta, Relaxed) + delta;
    PROCESS.peak.fetch_max(live + transient, Relaxed);
}

/// A snapshot of allocation counters: of one thread ([`thread_stats`]) or of the whole process.
///
/// Subtract two snapshots to get what happened between them:
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// let before = memory_profiler::thread_stats();
/// let s = String::from("hello");
/// let change = memory_profiler::thread_stats() - before;
/// assert_eq!((change.allocations, change.bytes_allocated, change.live()), (1, 5, 5));
/// # drop(s);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Stats {
    /// Calls to `alloc` and `alloc_zeroed` that succeeded.
    pub allocations: u64,
    /// Calls to `dealloc`.
    pub deallocations: u64,
    /// Calls to `realloc` that succeeded.
    pub reallocations: u64,
    /// Bytes of all allocations, plus the new size of every reallocation.
    pub bytes_allocated: u64,
    /// Bytes of all deallocations, plus the old size of every reallocation.
    pub bytes_freed: u64,
}

impl Stats {
    /// Bytes allocated and not freed: `bytes_allocated - bytes_freed`, signed.
    pub fn live(&self) -> i64 {
        self.bytes_allocated.wrapping_sub(self.bytes_freed) as i64
    }
}

impl std::ops::Sub for Stats {
    type Output = Stats;
    fn sub(self, rhs: Stats) -> Stats {
        Stats {
            allocations: self.allocations.wrapping_sub(rhs.allocations),
            deallocations: self.deallocations.wrapping_sub(rhs.deallocations),
            reallocations: self.reallocations.wrapping_sub(rhs.reallocations),
            bytes_allocated: self.bytes_allocated.wrapping_sub(rhs.bytes_allocated),
            bytes_freed: self.bytes_freed.wrapping_sub(rhs.bytes_freed),
        }
    }
}

/// The calling thread's counters since it started, as counted by [`Allocator`].
///
/// All zeros when `Allocator` is not the global allocator (see [`allocator_installed`]).
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// let handle = std::thread::spawn(|| {
///     let v: Vec<u32> = Vec::with_capacity(10);
///     let stats = memory_profiler::thread_stats();
///     (stats.allocations, stats.bytes_allocated, v.capacity())
/// });
/// // A new thread: its first allocation is the vector's 40 bytes.
/// assert_eq!(handle.join().unwrap(), (1, 40, 10));
/// ```
pub fn thread_stats() -> Stats {
    THREAD
        .try_with(|c| Stats {
            allocations: c.allocations.get(),
            deallocations: c.deallocations.get(),
            reallocations: c.reallocations.get(),
            bytes_allocated: allocated_of(c.bytes_moved.get(), c.live.get()),
            bytes_freed: freed_of(c.bytes_moved.get(), c.live.get()),
        })
        .unwrap_or_default()
}

/// Whether [`Allocator`] is the program's global allocator.
///
/// Found out once, by making one small allocation and looking whether it was counted.
///
/// ```
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// assert!(memory_profiler::allocator_installed());
/// ```
#[inline]
pub fn allocator_installed() -> bool {
    installed_known().unwrap_or_else(find_out_installed)
}

/// Whether [`Allocator`] is the global allocator, if that was found out already.
#[inline(always)]
pub(crate) fn installed_known() -> Option<bool> {
    match crate::relaxed::load_u8(&INSTALLED) {
        1 => Some(false),
        2 => Some(true),
        _ => None,
    }
}

/// What [`allocator_installed`] found out: 0 not yet, 1 no, 2 yes.
static INSTALLED: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

#[cold]
#[inline(never)]
fn find_out_installed() -> bool {
    // Save this thread's counters, make one allocation, look, and put them back, so
    // that no figure ever sees the test allocation. A profiled function the allocation
    // reaches (a method of the program's own allocator) passes through.
    let _through = PassThrough::start();
    let saved = THREAD.with(ThreadCounters::counts);
    drop(std::hint::black_box(Box::new(std::hint::black_box(1u8))));
    let installed = THREAD.with(|c| {
        let installed = c.allocations.get() != saved.allocations;
        c.set_counts(&saved);
        installed
    });
    INSTALLED.store(if installed { 2 } else { 1 }, Relaxed);
    installed
}

/// While alive, profiled functions entered on this thread pass through (see
/// [`ThreadCounters::passing_through`]); counting goes on.
#[doc(hidden)]
pub struct PassThrough(());

impl PassThrough {
    /// Starts passing through, until the value is dropped.
    #[inline]
    pub fn start() -> PassThrough {
        let _ = THREAD.try_with(|c| c.through.set(c.through.get() + 1));
        PassThrough(())
    }
}

impl Drop for PassThrough {
    #[inline]
    fn drop(&mut self) {
        let _ = THREAD.try_with(|c| c.through.set(c.through.get().saturating_sub(1)));
    }
}

/// A sample of a heap: what the probes of a report and `measure` read.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Sample {
    /// Live bytes now.
    pub live: i64,
    /// The highest live bytes since the previous `sample_thread`/`sample_process` call that
    /// reset the peak (at least `live`).
    pub peak: i64,
    /// Allocations so far (reallocations not included).
    pub allocations: u64,
    /// Reallocations so far.
    pub reallocations: u64,
    /// Bytes allocated so far (the new sizes of reallocations included).
    pub allocated: u64,
    /// For the thread's heap: its bytes moved (allocated plus freed) so far, which every
    /// allocator event raises; `u64::MAX`, which no count reaches, for other heaps, so that
    /// their probes never take the "nothing happened" path.
    pub events: u64,
}

/// Reads this thread's heap and restarts its peak at the current live total.
#[inline(always)]
pub(crate) fn sample_thread() -> Sample {
    THREAD.try_with(ThreadCounters::sample).unwrap_or_default()
}

/// This thread's counters, to be used on this thread only (a profiled call reads them once
/// and keeps them). `None` when they cannot be reached (never, for a destructor-free constant
/// thread local).
#[inline(always)]
pub(crate) fn thread_counters() -> Option<&'static ThreadCounters> {
    // SAFETY: the counters live as long as the thread, and are `!Sync`: the reference cannot
    // leave the thread, so it is never used after the thread ended. ('static is how long the
    // thread may run; the recorder keeps it in a call that ends before its thread does.)
    THREAD
        .try_with(|c| unsafe { &*(c as *const ThreadCounters) })
        .ok()
}

/// This thread's bytes moved so far (see `Sample::events`): the probes' test for "nothing
/// happened".
#[inline(always)]
pub(crate) fn thread_events() -> u64 {
    THREAD.try_with(|c| c.bytes_moved.get()).unwrap_or_default()
}

/// Restores the peak of an enclosing measurement after an inner one ended: the enclosing one
/// must see the highest value reached during the inner one.
#[inline(always)]
pub(crate) fn restore_thread_peak(peak: i64) {
    let _ = THREAD.try_with(|c| c.restore_peak(peak));
}

/// Reads the process-wide heap (kept while a process-wide measurement runs) and restarts its
/// peak.
pub(crate) fn sample_process() -> Sample {
    let live = PROCESS.live.load(Relaxed);
    let peak = PROCESS.peak.swap(live, Relaxed).max(live);
    Sample {
        live,
        peak,
        allocations: PROCESS.allocations.load(Relaxed),
        reallocations: PROCESS.reallocations.load(Relaxed),
        allocated: PROCESS.bytes_allocated.load(Relaxed),
        events: u64::MAX,
    }
}

pub(crate) fn restore_process_peak(peak: i64) {
    PROCESS.peak.fetch_max(peak, Relaxed);
}

/// The process-wide counters, kept while process-wide counting runs.
pub(crate) fn process_stats() -> Stats {
    Stats {
        allocations: PROCESS.allocations.load(Relaxed),
        deallocations: PROCESS.deallocations.load(Relaxed),
        reallocations: PROCESS.reallocations.load(Relaxed),
        bytes_allocated: PROCESS.bytes_allocated.load(Relaxed),
        bytes_freed: PROCESS.bytes_freed.load(Relaxed),
    }
}

/// Starts process-wide counting; it goes on until the returned guard is dropped (counted).
pub(crate) struct ProcessCounting(());

impl ProcessCounting {
    pub(crate) fn start() -> Self {
        PROCESS_USERS.fetch_add(1, Relaxed);
        ProcessCounting(())
    }
}

impl Drop for ProcessCounting {
    fn drop(&mut self) {
        PROCESS_USERS.fetch_sub(1, Relaxed);
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
