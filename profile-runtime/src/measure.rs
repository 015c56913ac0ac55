//! `measure` and friends: exact allocation figures of a piece of work ([`measure`],
//! [`measure_process`], [`Usage`]), with the work that closures do on other threads charged to
//! it ([`charged`], [`Charge`]); and the measurement behind `#[limit]` (`Measurement`, and the
//! process-wide lock of `threads = "all"`).
//!
//! Part of the testing API: it owns the per-thread stack of open measurements and the
//! process-wide lock; it calls the allocator's counters (`crate::alloc`), the heaps
//! (`crate::heap`) and the byte counts (`crate::bytes`).

use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::ThreadId;

use crate::alloc::{self, Sample, Stats};
use crate::bytes::{group, size};
use crate::heap::Measured;

/// What a piece of work did to the heap (see [`measure`]). All figures are exact.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// let (_, usage) = memory_profiler::measure(|| {
///     let mut s = String::with_capacity(4);
///     s.push_str("grows past four bytes"); // one reallocation, to 21 bytes
///     s.len()
/// });
/// assert_eq!((usage.allocations, usage.reallocations, usage.deallocations), (1, 1, 1));
/// assert_eq!((usage.bytes_allocated, usage.bytes_freed), (4 + 21, 4 + 21));
/// assert_eq!(usage.net, 0);
/// // 21 bytes, or 4 + 21 if the allocator moved the string to grow it (both blocks were live
/// // while it copied): `System` decides.
/// assert!(usage.peak == 21 || usage.peak == 4 + 21);
/// ```
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
    /// `bytes_allocated - bytes_freed`: what the work left allocated (negative when it freed
    /// more than it allocated).
    pub net: i64,
    /// The highest the heap went above where it was when the work started. While a reallocation
    /// moves a block, the old block and the new one are both counted.
    pub peak: i64,
}

impl fmt::Display for Usage {
    /// The figures as the limit messages print them, bytes grouped by threes with a human size
    /// beside:
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// let (_, usage) = memory_profiler::measure(|| {
    ///     let v: Vec<u64> = (0..100_000).collect();
    ///     v.len()
    /// });
    /// assert_eq!(
    ///     usage.to_string(),
    ///     "peak 800,000 B (781.2 KiB), left allocated 0 B, allocations 1, reallocations 0, \
    ///      deallocations 1, bytes allocated 800,000 B (781.2 KiB), bytes freed 800,000 B (781.2 KiB)"
    /// );
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = |n: u64| size(i64::try_from(n).unwrap_or(i64::MAX));
        write!(
            f,
            "peak {}, left allocated {}, allocations {}, reallocations {}, deallocations {}, \
             bytes allocated {}, bytes freed {}",
            size(self.peak),
            size(self.net),
            group_u(self.allocations),
            group_u(self.reallocations),
            group_u(self.deallocations),
            bytes(self.bytes_allocated),
            bytes(self.bytes_freed),
        )
    }
}

/// A count, grouped by threes.
fn group_u(n: u64) -> String {
    group(i64::try_from(n).unwrap_or(i64::MAX))
}

impl Usage {
    fn from_change(change: Stats, peak: i64) -> Usage {
        Usage {
            allocations: change.allocations,
            deallocations: change.deallocations,
            reallocations: change.reallocations,
            bytes_allocated: change.bytes_allocated,
            bytes_freed: change.bytes_freed,
            net: change.live(),
            peak,
        }
    }
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
/// other's figures. Work that `f` hands to other threads is not seen, unless those closures
/// are wrapped in [`charged`]. Calls nest; a panic in `f` propagates unchanged.
///
/// # Panics
/// If [`Allocator`](crate::Allocator) is not the global allocator: figures would be wrong, so
/// it says which lines to add instead.
#[track_caller]
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    crate::heap::require_allocator();
    let measurement = Measurement::start(None);
    let value = f();
    (value, measurement.finish())
}

/// Like [`measure`], but counting the allocations of every thread of the process while `f`
/// runs: for work that spawns threads it does not control (rayon, a thread pool).
///
/// ```
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// let (sum, usage) = memory_profiler::measure_process(|| {
///     std::thread::scope(|s| s.spawn(|| vec![1u8; 1 << 20].len()).join().unwrap())
/// });
/// assert_eq!(sum, 1 << 20);
/// assert!(usage.peak >= 1 << 20);
/// ```
///
/// The figures include whatever *any* thread allocates meanwhile, such as other tests that
/// `cargo test` runs in parallel: use it in a test binary of its own, under
/// `cargo nextest` (a process per test), or accept upper bounds. Process-wide measurements are
/// serialised: a second one, on any thread, waits until the first has finished, so two never mix.
/// Nesting one inside another on the same thread would deadlock and panics instead.
///
/// # Panics
/// If [`Allocator`](crate::Allocator) is not the global allocator, or when nested in another
/// process-wide measurement of the same thread.
#[track_caller]
pub fn measure_process<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    crate::heap::require_allocator();
    let measurement = Measurement::start(Some(ProcessLock::acquire()));
    let value = f();
    (value, measurement.finish())
}

/// Wraps a one-argument closure handed to other threads, such as the closure of a rayon
/// parallel iterator's `map` or `for_each`, so that what it allocates there is charged to the
/// measurement running on *this* thread ([`measure`], a `limit` test), as if it had run here.
///
/// ```
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// let sizes = [1000, 3000];
/// let (total, usage) = memory_profiler::measure(|| {
///     // With rayon: `sizes.par_iter().map(memory_profiler::charged(|n: &usize| ..)).sum()`.
///     let count = memory_profiler::charged(|n: &usize| std::hint::black_box(vec![0u8; *n]).len());
///     let count = &count;
///     std::thread::scope(|s| {
///         let handles: Vec<_> = sizes.iter().map(|n| s.spawn(move || count(n))).collect();
///         handles.into_iter().map(|h| h.join().unwrap()).sum::<usize>()
///     })
/// });
/// assert_eq!(total, 4000);
/// assert!(usage.bytes_allocated >= 4000);
/// assert!(usage.peak >= 3000);
/// ```
///
/// Call it on the measuring thread (not inside a rayon pool's `install`, whose closure runs on
/// the pool's threads). It is [`Charge::current`] made here, then [`Charge::run`] around each
/// call, wherever that runs: a closure of another shape (none or two arguments: a spawned thread's, `rayon::join`'s,
/// `fold`'s) or with a lifetime in its argument (`rayon::scope`'s `spawn`) can do the same with a
/// [`Charge`]. The argument's type must be known where the closure is written when its body
/// calls methods on it (`|n: &usize| ..`): `charged` stands between the closure and the iterator
/// that would tell it.
///
/// The charged figures are exact sums: allocations, bytes and `net` of the other threads are
/// added to this thread's. Their peak is an upper bound of the true combined peak: this thread's
/// peak plus, for each other thread, the highest its charged calls took it (one after the other
/// on that thread) — the threads need not have peaked at the same time. Memory allocated on one
/// thread and freed on another is counted by each, so the sum stays right. Run on the measuring
/// thread itself (rayon runs some of the work there), a wrapped closure counts once. Outside any
/// measurement the closure runs unchanged.
pub fn charged<A, R>(f: impl Fn(A) -> R) -> impl Fn(A) -> R {
    let charge = Charge::current();
    move |a| charge.run(|| f(a))
}

/// The measurement open on the thread that made it, to which work on other threads can be
/// charged: made once on the measuring thread ([`Charge::current`]), cloned or shared across
/// threads, and used around the work ([`Charge::run`]). It serves closures of every shape:
/// rayon's `fold`, `rayon::scope`'s and `std::thread::scope`'s spawned closures, pools of any
/// kind. (For a one-argument closure, [`charged`] does both steps.)
///
/// ```
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// use memory_profiler::Charge;
///
/// let (total, usage) = memory_profiler::measure(|| {
///     let charge = Charge::current();
///     std::thread::scope(|s| {
///         // With rayon: `rayon::scope(|s| s.spawn(|_| charge.run(|| ..)))`, or
///         // `.fold(|| 0, |sum, n| charge.run(|| ..))`.
///         let a = s.spawn(|| charge.run(|| std::hint::black_box(vec![0u8; 1000]).len()));
///         let b = s.spawn(|| charge.run(|| std::hint::black_box(vec![0u8; 3000]).len()));
///         a.join().unwrap() + b.join().unwrap()
///     })
/// });
/// assert_eq!(total, 4000);
/// assert!(usage.bytes_allocated >= 4000);
/// assert!(usage.peak >= 3000);
/// ```
///
/// See [`charged`] for what is added to the measurement.
#[derive(Clone, Debug)]
pub struct Charge {
    /// The charges of the measurement, and the thread that measures.
    target: Option<(Arc<Charges>, ThreadId)>,
}

impl Charge {
    /// The innermost measurement open on this thread (none outside any measurement: work run
    /// through the charge is then not counted anywhere else).
    pub fn current() -> Charge {
        let target = alloc::untracked(|| {
            CHARGES
                .try_with(|stack| {
                    let mut stack = stack.borrow_mut();
                    let charges = stack.last_mut()?.get_or_insert_with(Default::default);
                    Some((Arc::clone(charges), std::thread::current().id()))
                })
                .ok()
                .flatten()
        });
        Charge { target }
    }

    /// Runs `f` on this thread, charging what it allocates to the measurement: measured here
    /// and added to it when `f` returns. On the measuring thread itself, `f` just runs (the
    /// measurement already counts it). A panic in `f` propagates, uncharged.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.target {
            // On the measuring thread itself (rayon runs one side of a `join` inline), the
            // measurement already counts the work.
            Some((_, owner)) if alloc::untracked(|| std::thread::current().id()) == *owner => f(),
            Some((target, _)) => {
                let measurement = Measurement::start(None);
                let value = f();
                target.add(&measurement.finish());
                value
            }
            None => f(),
        }
    }
}

/// Figures that other threads charged to a measurement.
#[derive(Default, Debug)]
struct Charges {
    allocations: AtomicU64,
    deallocations: AtomicU64,
    reallocations: AtomicU64,
    bytes_allocated: AtomicU64,
    bytes_freed: AtomicU64,
    /// For each thread that charged work: what its charged calls left allocated so far, and the
    /// highest they took it (each call's peak on top of what the calls before it left).
    threads: Mutex<Vec<(ThreadId, i64, i64)>>,
}

impl Charges {
    fn add(&self, usage: &Usage) {
        self.allocations.fetch_add(usage.allocations, Relaxed);
        self.deallocations.fetch_add(usage.deallocations, Relaxed);
        self.reallocations.fetch_add(usage.reallocations, Relaxed);
        self.bytes_allocated
            .fetch_add(usage.bytes_allocated, Relaxed);
        self.bytes_freed.fetch_add(usage.bytes_freed, Relaxed);
        alloc::untracked(|| {
            let thread = std::thread::current().id();
            let mut threads = self
                .threads
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let at = match threads.iter().position(|(t, _, _)| *t == thread) {
                Some(at) => at,
                None => {
                    threads.push((thread, 0, 0));
                    threads.len() - 1
                }
            };
            let (_, net, peak) = &mut threads[at];
            *peak = (*peak).max(*net + usage.peak.max(0));
            *net += usage.net;
        });
    }

    fn add_to(&self, usage: &mut Usage) {
        usage.allocations += self.allocations.load(Relaxed);
        usage.deallocations += self.deallocations.load(Relaxed);
        usage.reallocations += self.reallocations.load(Relaxed);
        usage.bytes_allocated += self.bytes_allocated.load(Relaxed);
        usage.bytes_freed += self.bytes_freed.load(Relaxed);
        usage.net = usage.bytes_allocated.wrapping_sub(usage.bytes_freed) as i64;
        let threads = self
            .threads
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        usage.peak += threads.iter().map(|(_, _, peak)| peak).sum::<i64>();
    }
}

thread_local! {
    /// The measurements open on this thread, innermost last, each with the figures other
    /// threads charged to it (made on the first `charged` call).
    static CHARGES: RefCell<Vec<Option<Arc<Charges>>>> = const { RefCell::new(Vec::new()) };
}

/// A measurement in progress: `measure`'s, `measure_process`'s or a `limit`ed function's.
pub(crate) struct Measurement {
    /// The thread's heap or the process's.
    heap: Measured,
    /// For the process's heap: the process-wide lock, and process-wide counting on, until the
    /// end.
    _lock: Option<ProcessLock>,
    before: Stats,
    start: Sample,
    finished: bool,
}

impl Measurement {
    /// Starts measuring the thread's heap, or, given the process-wide lock, the process's.
    pub(crate) fn start(lock: Option<ProcessLock>) -> Measurement {
        alloc::untracked(|| {
            let _ = CHARGES.try_with(|stack| stack.borrow_mut().push(None));
        });
        let heap = match lock {
            None => Measured::ThreadHeap,
            Some(_) => Measured::ProcessHeap,
        };
        Measurement {
            heap,
            _lock: lock,
            before: heap.stats(),
            start: heap.sample(),
            finished: false,
        }
    }

    /// The figures since `start`; the enclosing measurement still sees this one's peak.
    pub(crate) fn finish(mut self) -> Usage {
        self.finished = true;
        let (after, end) = (self.heap.stats(), self.heap.sample());
        self.restore_peak(end.peak);
        let mut usage = Usage::from_change(after - self.before, end.peak - self.start.live);
        if let Some(charges) = self.pop_charges() {
            charges.add_to(&mut usage);
            alloc::untracked(|| drop(charges));
        }
        usage
    }

    fn restore_peak(&self, inner_peak: i64) {
        self.heap.restore_peak(self.start.peak.max(inner_peak));
    }

    fn pop_charges(&self) -> Option<Arc<Charges>> {
        alloc::untracked(|| {
            CHARGES
                .try_with(|stack| stack.borrow_mut().pop().flatten())
                .ok()
                .flatten()
        })
    }
}

impl Drop for Measurement {
    /// Only does work when unwinding: the normal path went through `finish`.
    fn drop(&mut self) {
        if !self.finished {
            self.restore_peak(self.start.peak);
            let charges = self.pop_charges();
            alloc::untracked(|| drop(charges));
        }
    }
}

/// The lock that serialises process-wide measurements, with process-wide counting on while
/// it is held.
pub(crate) struct ProcessLock {
    _counting: alloc::ProcessCounting,
    _guard: MutexGuard<'static, ()>,
}

static PROCESS_LOCK: Mutex<()> = Mutex::new(());

thread_local! {
    static HOLDS_PROCESS_LOCK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl ProcessLock {
    #[track_caller]
    pub(crate) fn acquire() -> ProcessLock {
        if HOLDS_PROCESS_LOCK.with(|held| held.replace(true)) {
            panic!("memory_profiler: process-wide measurements cannot nest on one thread (the outer one already counts every thread)");
        }
        let guard = PROCESS_LOCK
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        ProcessLock {
            _counting: alloc::ProcessCounting::start(),
            _guard: guard,
        }
    }
}

impl Drop for ProcessLock {
    fn drop(&mut self) {
        HOLDS_PROCESS_LOCK.with(|held| held.set(false));
    }
}
