//! A call's own state ([`Core`]): everything of a call in progress but its table's key, so
//! that the code working on it is compiled once in the runtime, not in every profiled
//! function. It runs the call's edges and the probes' slow path: entry (the heap it follows,
//! the outer call it pauses), a probe that sampled the heap, exit (the last intervals, the peak
//! handed back, the report made, kept or folded), and an `async fn` call's suspensions.
//!
//! It calls the allocator's counters (`crate::alloc`), the heaps (`crate::heap`), the table
//! (`crate::table::Parts`), the run-wide store (`crate::run`, which hands reports to the
//! output) and the `mprof` timeline (`crate::timeline`).

use crate::alloc::{self, Sample};
use crate::heap::Measured;
use crate::relaxed::{Flag, I64};
use crate::run::End;
use crate::spec::FnMeta;
use crate::table::{Parts, Paused};

/// A call's own state: everything but its table's key, so that the code that works on it is
/// not generic.
pub(super) struct Core {
    pub(super) meta: &'static FnMeta,
    /// The heap the call follows (the outermost call's).
    pub(super) source: Measured,
    /// The outer call of the same function this call paused, if any.
    pub(super) paused: Option<Paused>,
    /// The peak of the enclosing measurement when this call began (or last resumed).
    pub(super) saved_peak: I64,
    /// The heap at this call's entry.
    pub(super) entry_live: i64,
    pub(super) closed: Flag,
    /// An `async fn` call between a poll that returned `Pending` and the next poll: what
    /// happens on the thread meanwhile is other tasks' work.
    pub(super) suspended: Flag,
    pub(super) end: End,
    /// The call began inside the profiler's own work on this thread (it is one of the
    /// program's functions that the profiler's work reached, such as a profiled method of
    /// the program's own global allocator): it records nothing.
    pub(super) passthrough: bool,
    /// Whether the thread was unwinding when the call began.
    pub(super) unwinding_at_entry: bool,
    pub(super) _process: Option<alloc::ProcessCounting>,
    /// The call's entry on the `mprof run` timeline, when the program runs under it.
    pub(super) timeline: Option<crate::timeline::Call>,
    /// The thread's counters, for a function's call (reached once, when the call starts): the
    /// probes read them without a thread-local access. `None` for an `async fn` call, which
    /// may move between threads (see `Guard`'s `Send`).
    pub(super) counters: Option<&'static alloc::ThreadCounters>,
}

// SAFETY: `counters` is `Some` only in the call of a function, whose guard never leaves its
// thread (see `Guard`'s `Send`); otherwise a `Core` holds `Sync` cells and plain values.
unsafe impl Send for Core {}
// SAFETY: as for `Send`.
unsafe impl Sync for Core {}

// `enter`, `step_sampled` and `leave`, which the user's functions call, are `extern "C"`:
// functions that cannot unwind (none of the recorder's code panics; a panic would abort), so
// that their calls need no unwinding edge and cleanup path in the user's functions, which the
// compiler would build and optimise at each call, in each function, and in each copy of an
// inlined function. Only Rust calls them, so the types they pass need no C layout.
#[allow(improper_ctypes_definitions)]
impl Core {
    /// A call that records nothing (see `passthrough`).
    #[cold]
    pub(super) fn passthrough(meta: &'static FnMeta) -> Core {
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
    pub(super) fn sample(&self) -> Sample {
        match (self.source, self.counters) {
            (Measured::ThreadHeap, Some(counters)) => counters.sample(),
            (source, _) => source.sample(),
        }
    }

    #[inline(always)]
    pub(super) fn restore_peak(&self, peak: i64) {
        match (self.source, self.counters) {
            (Measured::ThreadHeap, Some(counters)) => counters.restore_peak(peak),
            (source, _) => source.restore_peak(peak),
        }
    }

    /// The thread's allocator events so far (see `Guard::step`).
    #[inline(always)]
    pub(super) fn events(&self) -> u64 {
        // Optimised builds read the thread's counters where they are (a thread-local address,
        // which the probes' stores cannot change), not through the reference kept in the call
        // (reloaded at every probe); unoptimised ones through that reference, which saves the
        // thread-local access's calls. Both are this thread's counters: a function's call
        // never leaves its thread, and an `async fn` call keeps none.
        match self.counters {
            Some(counters) if cfg!(debug_assertions) => counters.events(),
            _ => alloc::thread_events(),
        }
    }

    /// The heap an outermost call follows, while it is not known yet whether the counting
    /// allocator is installed (the process's first calls).
    #[cold]
    pub(super) fn choose(meta: &'static FnMeta) -> Measured {
        alloc::untracked(|| Measured::choose(meta.options.threads))
    }

    /// A call starts: records the heap at entry on the attribute's row. `owned`: the table is
    /// the call's own (an `async fn`'s), not the thread's.
    pub(super) extern "C" fn enter(meta: &'static FnMeta, t: Parts<'_>, owned: bool) -> Core {
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
            Some(false) => Measured::uncounted(),
            None => Core::choose(meta),
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
    pub(super) fn enter_nested(
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

    /// A probe, in builds where the runtime has debug assertions (unoptimised ones): the body
    /// of `Guard::step` as a function that is not generic, so that it is compiled with the
    /// runtime, optimised when the user's profile builds the runtime so
    /// (`[profile.dev.package.profile-runtime] opt-level = 3`), where the generic body would
    /// be compiled in the user's crate, unoptimised.
    ///
    /// The same code as `Guard::step`'s, on purpose: one body shared through `Parts` made the
    /// optimised probe 17 instructions longer per iteration of the seed's even-mean loop
    /// (callgrind), the slice's length no longer being the table's constant `N`.
    #[inline(never)]
    pub(super) fn step_at(&self, t: Parts<'_>, idx: usize, count: Option<bool>) {
        if self.passthrough {
            return;
        }
        let run = &t.head.run;
        let count = match count {
            Some(count) => count,
            None => run.row() != idx,
        };
        if self.events() != run.events.get() {
            self.step_sampled(t, idx, count);
            return;
        }
        run.begin(&t.lines[idx], idx, run.live.get(), count);
    }

    /// A tail mark dropped (see `TailMark`), out of line as [`step_at`](Self::step_at) is:
    /// `row` is the `}` of the block that ends, or `usize::MAX` for the function's own.
    #[inline(never)]
    pub(super) fn tail_at(&self, t: Parts<'_>, row: usize) {
        // Dropped while a panic leaves the call (one that began after the call did): the block
        // is not ending, the function is not returning.
        if std::thread::panicking() && !self.unwinding_at_entry {
            return;
        }
        if row == usize::MAX {
            self.close_at(t);
        } else {
            self.reach_at(t, row);
        }
    }

    /// The function is returning: its `}` row starts (once), out of line as
    /// [`step_at`](Self::step_at) is (see `Guard::close`).
    pub(super) fn close_at(&self, t: Parts<'_>) {
        if !self.closed.replace(true) {
            self.step_at(t, t.lines.len() - 1, None);
        }
    }

    /// Row `idx` is reached after code that may have left it running, unless the function is
    /// returning (see `Guard::reach`).
    pub(super) fn reach_at(&self, t: Parts<'_>, idx: usize) {
        if !self.closed.get() {
            self.step_at(t, idx, None);
        }
    }

    /// The general path of a probe: sample the heap, charge the running line, start row `idx`.
    #[inline(never)]
    pub(super) extern "C" fn step_sampled(&self, t: Parts<'_>, idx: usize, count: bool) {
        if self.passthrough {
            return;
        }
        let now = self.sample();
        if now.unchanged_since(t.head.run.events.get()) {
            // The resident set size, the same figure as when the running line started: nothing
            // to charge, as on the fast path (see `Sample::events`).
            let run = &t.head.run;
            run.begin(&t.lines[idx], idx, run.live.get(), count);
            return;
        }
        t.charge_running(&now);
        t.start_line(idx, count, &now);
    }

    /// The call ends (`Drop`): the last interval, the closing row if `?` left it, the outer
    /// call resumed, the peak handed back, and the report written, kept or folded.
    pub(super) extern "C" fn leave(&mut self, t: Parts<'_>) {
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
                // (The same resident set size as when the line started: nothing to charge.)
                if !now.unchanged_since(run.events.get()) {
                    t.charge_running(&now);
                }
                now
            };
            if !self.closed.get() && !panicking {
                // Left by `?`: the closing brace still ends the call, with the heap as it is now.
                if let Some(cell) = t.lines.last() {
                    cell.end_at(now.live);
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
                    if let Some(cell) = t.lines.get(outer.row()) {
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
    pub(super) fn suspend(&self, t: Parts<'_>) {
        if self.passthrough {
            return;
        }
        let now = self.sample();
        t.charge_running(&now);
        self.restore_peak(self.saved_peak.get().max(t.head.run.max_peak.get()));
        self.suspended.set(true);
    }

    /// The next poll begins, maybe on another thread: intervals restart here.
    pub(super) fn wake(&self, t: Parts<'_>) {
        if self.suspended.replace(false) {
            let now = self.sample();
            self.saved_peak.set(now.peak);
            t.head.run.restart(&now);
            t.head.run.max_peak.set(now.live);
        }
    }
}
