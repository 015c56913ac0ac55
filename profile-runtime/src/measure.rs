//! `measure`: exact allocation figures of a closure on the calling thread.

use crate::alloc::{self, Stats};

/// What a closure did to the calling thread's heap (see [`measure`]). All figures are exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Usage {
    /// Successful `alloc`/`alloc_zeroed` calls.
    pub allocations: u64,
    /// `dealloc` calls.
    pub deallocations: u64,
    /// Successful `realloc` calls.
    pub reallocations: u64,
    /// Bytes of the allocations plus the new sizes of the reallocations.
    pub bytes_allocated: u64,
    /// Bytes of the deallocations plus the old sizes of the reallocations.
    pub bytes_freed: u64,
    /// `bytes_allocated - bytes_freed`: what the closure left allocated (negative when it freed
    /// more than it allocated).
    pub net: i64,
    /// The highest the heap went above where it was when the closure started.
    pub peak: i64,
}

/// Runs `f` and returns its value with what it did to the calling thread's heap.
///
/// ```
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// let (len, usage) = memory_profiler::measure(|| {
///     let v: Vec<u64> = (0..100_000).collect();
///     v.len()
/// });
/// assert_eq!(len, 100_000);
/// assert_eq!((usage.allocations, usage.peak, usage.net), (1, 800_000, 0));
/// ```
///
/// Only this thread's allocations count, so tests running in parallel do not disturb each
/// other's figures. Calls nest; a panic in `f` propagates unchanged.
///
/// # Panics
/// If [`Allocator`](crate::Allocator) is not the global allocator: figures would be wrong, so
/// it says which lines to add instead.
#[track_caller]
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    require_allocator();
    struct Scope {
        saved_peak: i64,
    }
    impl Drop for Scope {
        fn drop(&mut self) {
            alloc::restore_thread_peak(self.saved_peak);
        }
    }
    let before = alloc::thread_stats();
    let start = alloc::sample_thread();
    let scope = Scope {
        saved_peak: start.peak,
    };
    let value = f();
    let end = alloc::sample_thread();
    let after = alloc::thread_stats();
    // The enclosing measurement must still see this one's peak.
    alloc::restore_thread_peak(end.peak);
    drop(scope);
    let change: Stats = after - before;
    let usage = Usage {
        allocations: change.allocations,
        deallocations: change.deallocations,
        reallocations: change.reallocations,
        bytes_allocated: change.bytes_allocated,
        bytes_freed: change.bytes_freed,
        net: change.live(),
        peak: end.peak - start.live,
    };
    (value, usage)
}

/// Panics, with the lines to add, when the counting allocator is not installed.
#[track_caller]
pub(crate) fn require_allocator() {
    if !alloc::allocator_installed() {
        panic!(
            "memory_profiler: the counting allocator is not installed, so allocations cannot be measured.\n\
             Add these lines to the crate (for a test, to the test file):\n\n    \
             #[global_allocator]\n    \
             static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();\n"
        );
    }
}
