//! What [`Allocator`](super::Allocator) counted, as users read it: [`Stats`], [`thread_stats`],
//! [`allocator_installed`]; and [`PassThrough`], which the expansion uses.
//!
//! It owns `INSTALLED` (whether the allocator is the global one, once found out). It calls the
//! thread counters (`counters`).

use std::sync::atomic::Ordering::Relaxed;

use super::counters::{allocated_of, freed_of, ThreadCounters, THREAD};

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

/// The calling thread's counters since it started, as counted by [`Allocator`](super::Allocator).
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

/// Whether [`Allocator`](super::Allocator) is the program's global allocator.
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

/// Whether [`Allocator`](super::Allocator) is the global allocator, if that was found out already.
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
