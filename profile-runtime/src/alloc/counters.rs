//! The per-thread counters of [`Allocator`](super::Allocator): a `const`, destructor-free
//! thread local of one-thread cells, reachable at any point of a thread's life (also while its
//! other thread locals are torn down), and what the rest of the runtime reads of them
//! ([`Sample`], [`thread_counters`]).
//!
//! It owns the thread local `THREAD`. It calls nothing of the crate; the allocator's hooks
//! (`super`), the statistics (`stats`), the heaps (`crate::heap`) and the recorder read it.

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
    pub(super) allocations: Slot<u64>,
    pub(super) deallocations: Slot<u64>,
    pub(super) reallocations: Slot<u64>,
    /// Bytes allocated plus bytes freed. Every allocator event raises it (no block is empty),
    /// so a probe that finds it unchanged knows, with one read, that nothing happened.
    pub(super) bytes_moved: Slot<u64>,
    /// Bytes allocated minus bytes freed. With `bytes_moved`, it gives both (`moved + live` is
    /// twice the bytes allocated, `moved - live` twice the bytes freed), and it is the figure
    /// the peak is compared with: an event updates these two, one count and the peak.
    pub(super) live: Slot<i64>,
    /// The highest live total since the innermost open measurement started (see `sample`).
    pub(super) peak: Slot<i64>,
    /// While non-zero, the thread does the profiler's own work ([`untracked`]): what it
    /// allocates is taken back from the counters when that work ends, process-wide counting
    /// skips it, and profiled functions pass through.
    pub(super) paused: Slot<u32>,
    /// While non-zero, profiled functions pass through (no recording): the thread is inside
    /// the program's global allocator, or inside the profiler's own first-call work.
    pub(super) through: Slot<u32>,
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
    pub(super) fn counts(&self) -> Counts {
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
    pub(super) fn set_counts(&self, counts: &Counts) {
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
pub(super) fn allocated_of(moved: u64, live: i64) -> u64 {
    moved.wrapping_add(live as u64) >> 1
}

/// The bytes freed: half the bytes moved minus the live total.
#[inline(always)]
pub(super) fn freed_of(moved: u64, live: i64) -> u64 {
    moved.wrapping_sub(live as u64) >> 1
}

/// A copy of a thread's counts (see [`ThreadCounters::counts`]).
#[derive(Clone, Copy)]
pub(super) struct Counts {
    pub(super) allocations: u64,
    pub(super) deallocations: u64,
    pub(super) reallocations: u64,
    pub(super) bytes_moved: u64,
    pub(super) live: i64,
    pub(super) peak: i64,
}

thread_local! {
    // `const` and free of destructors: no lazy initialisation, no registration, no allocation,
    // and accessible during thread teardown.
    pub(super) static THREAD: ThreadCounters = const { ThreadCounters::new() };
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
    /// What a probe compares with the same field of the sample that started the running
    /// line's interval: equal, nothing happened since (see `Sample::unchanged_since`).
    /// For the thread's heap: its bytes moved (allocated plus freed) so far, which every
    /// allocator event raises. For the resident set size: the figure with the top bit set
    /// (see `heap::rss_events`), which no count of the thread's reaches. `u64::MAX`, which no
    /// count reaches either, for the other heaps, so that their probes never take the
    /// "nothing happened" path.
    pub events: u64,
}

impl Sample {
    /// Whether the heap is as it was at the sample whose `events` were `events`: the thread's
    /// heap with no allocator event since, or the same resident set size. Never for the other
    /// heaps (`u64::MAX`).
    #[inline(always)]
    pub(crate) fn unchanged_since(&self, events: u64) -> bool {
        self.events == events && events != u64::MAX
    }
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
