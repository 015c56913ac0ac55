//! A profiled function's table: one cell per source line with its figures summed over the
//! calls, and the state of the calls in progress (the running line's interval, a recursive
//! call's paused outer line). The probes (`crate::recorder`) write it; a report is taken from
//! it (`Parts::take_report`), after a call or, run-wide, by `crate::run`.
//!
//! The cells are relaxed atomics (`crate::relaxed`): a table is written by one thread at a
//! time, its owner, which reads it with plain loads; another thread may read it, as the
//! run-wide store does at exit.
//!
//! It owns the tables' layout; it calls the allocator's `Sample`, the heaps (the one a table's
//! calls follow, `crate::heap`), and the report model (to build a `Report`).

use crate::alloc::Sample;
use crate::heap::Measured;
use crate::relaxed::{Flag, I64, U64};
use crate::report::{Report, Row};
use crate::spec::FnMeta;

/// The figures of one line, summed over the calls of one report.
#[doc(hidden)]
#[derive(Debug)]
pub struct LineCell {
    pub(crate) mem: I64,
    pub(crate) inc: I64,
    pub(crate) peak: I64,
    pub(crate) allocs: U64,
    pub(crate) reallocs: U64,
    pub(crate) bytes: U64,
    pub(crate) occ: U64,
}

impl LineCell {
    pub(crate) const fn new() -> Self {
        LineCell {
            mem: I64::new(i64::MIN),
            inc: I64::new(0),
            peak: I64::new(0),
            allocs: U64::new(0),
            reallocs: U64::new(0),
            bytes: U64::new(0),
            occ: U64::new(0),
        }
    }

    pub(crate) fn clear(&self) {
        self.mem.set(i64::MIN);
        self.inc.set(0);
        self.peak.set(0);
        self.allocs.set(0);
        self.reallocs.set(0);
        self.bytes.set(0);
        self.occ.set(0);
    }

    /// The last occurrence of this line, the closing brace of a call that ends (left by `?`):
    /// counted, with the heap at `live` after it. (Other occurrences start with
    /// [`Run::begin`], as the running line.)
    #[inline(always)]
    pub(crate) fn end_at(&self, live: i64) {
        if live > self.mem.get() {
            self.mem.set(live);
        }
        self.occ.set(self.occ.get() + 1);
    }

    /// Charges this line the interval `run` started, up to `now`.
    #[inline(always)]
    pub(crate) fn charge(&self, run: &Run, now: &Sample) {
        let start_live = run.live.get();
        self.inc.set(
            self.inc
                .get()
                .wrapping_add(now.live.wrapping_sub(start_live)),
        );
        // The line's Mem usage from before this occurrence: what `Run::begin` kept if the
        // occurrence raised it, else the cell's.
        let before = if run.cur.get() & RAISED != 0 {
            run.mem_before.get()
        } else {
            self.mem.get()
        };
        self.mem
            .set(if before > now.live { before } else { now.live });
        let peak = now.peak.wrapping_sub(start_live);
        if peak > self.peak.get() {
            self.peak.set(peak);
        }
        self.allocs
            .add(now.allocations.wrapping_sub(run.allocs.get()));
        self.reallocs
            .add(now.reallocations.wrapping_sub(run.reallocs.get()));
        self.bytes
            .add(now.allocated.wrapping_sub(run.allocated.get()));
    }
}

/// A profiled function's table: one cell per source line (from the attribute's to the closing
/// brace's), and the state of its calls in progress. A function's table is thread-local, or,
/// for an `async fn`, owned by the call (its future may move between threads).
///
/// `repr(C)`: the lines follow the head at an offset that does not depend on `N`, so that the
/// registry of unoptimised builds can make a table of any size without instantiating anything
/// for it (`crate::registry`).
#[doc(hidden)]
#[derive(Debug)]
#[repr(C)]
pub struct Table<const N: usize> {
    pub(crate) head: Head,
    pub(crate) lines: [LineCell; N],
}

/// The table of an `async fn` call (the same type: the name the expansion uses).
#[doc(hidden)]
pub type SharedTable<const N: usize> = Table<N>;

impl<const N: usize> Table<N> {
    /// An empty table: what a function's thread-local table starts as. A constant, which the
    /// compiler evaluates once per size in a crate, rather than once per function as it does
    /// a call of [`new`](Self::new) in each function's initialiser.
    // Interior mutability is the point: each use is a fresh table (a thread's).
    #[allow(clippy::declare_interior_mutable_const)]
    pub const NEW: Self = Self::new();

    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Table {
            head: Head::new(),
            lines: [const { LineCell::new() }; N],
        }
    }

    /// The table without its size: what the (non-generic) code behind the probes works on,
    /// compiled once in this crate rather than once per profiled function.
    #[inline(always)]
    pub(crate) fn parts(&self) -> Parts<'_> {
        Parts {
            head: &self.head,
            lines: &self.lines,
        }
    }
}

/// The state of a function's calls in progress, beside its lines.
#[doc(hidden)]
#[derive(Debug)]
pub struct Head {
    pub(crate) depth: U64,
    /// The heap at the entry of an outermost call, the largest over the calls: the attribute
    /// row's figure, also when the whole function is on that row.
    pub(crate) entry: I64,
    /// The highest the heap went above its entry in any outermost call.
    pub(crate) peak: I64,
    pub(crate) panicked: Flag,
    pub(crate) cancelled: Flag,
    pub(crate) measured: U64,
    /// The table is in the run-wide store's list of the thread's tables (see `crate::run`).
    pub(crate) registered: Flag,
    /// The interval of the innermost call in progress on this table.
    pub(crate) run: Run,
}

impl Head {
    pub(crate) const fn new() -> Self {
        Head {
            depth: U64::new(0),
            entry: I64::new(i64::MIN),
            peak: I64::new(0),
            panicked: Flag::new(false),
            cancelled: Flag::new(false),
            measured: U64::new(0),
            registered: Flag::new(false),
            run: Run::new(),
        }
    }
}

/// A table seen through a slice of its lines.
#[derive(Clone, Copy)]
pub(crate) struct Parts<'a> {
    pub(crate) head: &'a Head,
    pub(crate) lines: &'a [LineCell],
}

impl Parts<'_> {
    /// Charges the running line what happened since its interval started.
    pub(crate) fn charge_running(self, now: &Sample) {
        let run = &self.head.run;
        let cur = run.row();
        if cur < self.lines.len() {
            self.lines[cur].charge(run, now);
        }
        if now.peak > run.max_peak.get() {
            run.max_peak.set(now.peak);
        }
    }

    /// Row `idx` starts (an occurrence if `count`) with the heap at `now`.
    #[inline]
    pub(crate) fn start_line(self, idx: usize, count: bool, now: &Sample) {
        // (Without closures or helpers of the standard library, which are calls in unoptimised
        // builds, as every hot path of the recorder.)
        if idx < self.lines.len() {
            self.head.run.begin(&self.lines[idx], idx, now.live, count);
        } else {
            self.head.run.cur.set(idx as u64);
        }
        self.head.run.restart(now);
    }

    /// Whether a call was recorded since the table was last taken (any thread may ask).
    pub(crate) fn has_calls(self) -> bool {
        self.lines.first().is_some_and(|cell| cell.occ.load() > 0)
    }

    /// The report of the calls recorded so far. With `clear` (only the table's owner may ask
    /// for it), the table starts afresh; without, any thread may read it.
    pub(crate) fn take_report(self, meta: &'static FnMeta, clear: bool) -> Report {
        let head = self.head;
        let entry = head.entry.load();
        let base = if meta.options.relative { entry } else { 0 };
        let rows = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                let occurrences = cell.occ.load();
                let ran = occurrences > 0;
                // The attribute's row, if the function has one (see `FnMeta::attribute_row`).
                let first = i == 0 && meta.attribute_row;
                let mem = match (ran, first) {
                    (false, _) => 0,
                    (true, true) => entry - base,
                    (true, false) => cell.mem.load() - base,
                };
                // The attribute's row shows the heap at entry in both columns, as
                // memory_profiler's decorator row does; its other figures are the lines'.
                let line_figure = |figure: u64| if first { 0 } else { figure };
                let row = Row {
                    line: meta.first_line + i as u32,
                    text: meta.lines.get(i).copied().unwrap_or(""),
                    mem_usage: mem,
                    increment: if first { mem } else { cell.inc.load() },
                    peak: if first { 0 } else { cell.peak.load() },
                    allocations: line_figure(cell.allocs.load()),
                    reallocations: line_figure(cell.reallocs.load()),
                    bytes_allocated: line_figure(cell.bytes.load()),
                    occurrences,
                };
                if clear {
                    cell.clear();
                }
                row
            })
            .collect();
        let (peak, panicked, cancelled) = (
            head.peak.load(),
            head.panicked.load(),
            head.cancelled.load(),
        );
        if clear {
            head.entry.set(i64::MIN);
            head.peak.set(0);
            head.panicked.set(false);
            head.cancelled.set(false);
        }
        Report::new(
            meta,
            rows,
            peak,
            Measured::from_code(head.measured.load()),
            panicked,
            cancelled,
        )
    }
}

/// In [`Run::cur`]: the running occurrence raised its row's Mem usage (see [`Run::begin`]).
pub(crate) const RAISED: u64 = 1 << 63;

/// The row of a running line as [`Run::cur`] keeps it (without [`RAISED`]).
#[inline(always)]
fn row_of(cur: u64) -> usize {
    (cur & !RAISED) as usize
}

/// An outer call paused by a nested call of the same function.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Paused {
    /// The paused call's `Run::cur`.
    pub(crate) cur: u64,
    /// The heap when the paused line's interval started.
    pub(crate) start_live: i64,
    pub(crate) mem_before: i64,
    pub(crate) max_peak: i64,
}

impl Paused {
    /// The paused line's row.
    pub(crate) fn row(&self) -> usize {
        row_of(self.cur)
    }
}

/// Where the innermost call of a function stands: its running line, and the heap when that
/// line's interval started. It lives in the table, so that a nested call of the same function
/// (recursion, also through other functions) pauses the outer call's line: each byte is then
/// charged once, to the innermost call, and the rows of the outermost report add up to what
/// the whole call did.
#[doc(hidden)]
#[derive(Debug)]
pub struct Run {
    /// The running row, with [`RAISED`] set if its occurrence raised the row's Mem usage.
    pub(crate) cur: U64,
    pub(crate) live: I64,
    pub(crate) allocs: U64,
    pub(crate) reallocs: U64,
    pub(crate) allocated: U64,
    /// `Sample::events` when the interval started.
    pub(crate) events: U64,
    /// The running line's Mem usage from before its current occurrence, when that occurrence
    /// raised it ([`RAISED`] in `cur`); else the cell's own `mem` is that figure.
    pub(crate) mem_before: I64,
    /// The highest heap seen by this call's probes.
    pub(crate) max_peak: I64,
}

impl Run {
    pub(crate) const fn new() -> Self {
        Run {
            cur: U64::new(0),
            live: I64::new(0),
            allocs: U64::new(0),
            reallocs: U64::new(0),
            allocated: U64::new(0),
            events: U64::new(u64::MAX),
            mem_before: I64::new(0),
            max_peak: I64::new(0),
        }
    }

    /// The running row.
    #[inline(always)]
    pub(crate) fn row(&self) -> usize {
        row_of(self.cur.get())
    }

    /// Row `idx` (`cell`) starts an occurrence (counted if `count`) with the heap at `live`:
    /// `live` is taken as its Mem usage until it ends otherwise (if nothing is allocated or
    /// freed before the next probe, the heap after the line is the heap before it). Only when
    /// that raises the row's Mem usage is the figure from before kept, for `charge` if the line
    /// does change the heap, and [`RAISED`] set: in a loop whose lines reach the same heap at
    /// every pass, a probe stores two words (the count, the running row).
    #[inline(always)]
    pub(crate) fn begin(&self, cell: &LineCell, idx: usize, live: i64, count: bool) {
        let mem = cell.mem.get();
        if live > mem {
            cell.mem.set(live);
            self.mem_before.set(mem);
            self.cur.set(idx as u64 | RAISED);
        } else {
            self.cur.set(idx as u64);
        }
        if count {
            cell.occ.set(cell.occ.get() + 1);
        }
    }

    /// The interval starts at `now`.
    #[inline(always)]
    pub(crate) fn restart(&self, now: &Sample) {
        self.live.set(now.live);
        self.allocs.set(now.allocations);
        self.reallocs.set(now.reallocations);
        self.allocated.set(now.allocated);
        self.events.set(now.events);
    }

    /// The heap as it was when the interval started, which it still is when the allocator did
    /// nothing since (its events are the same).
    #[inline(always)]
    pub(crate) fn unchanged(&self) -> Sample {
        let live = self.live.get();
        Sample {
            live,
            peak: live,
            allocations: self.allocs.get(),
            reallocations: self.reallocs.get(),
            allocated: self.allocated.get(),
            events: self.events.get(),
        }
    }

    pub(crate) fn save(&self) -> Paused {
        Paused {
            cur: self.cur.get(),
            start_live: self.live.get(),
            mem_before: self.mem_before.get(),
            max_peak: self.max_peak.get(),
        }
    }

    /// The paused outer call goes on from `now`; it saw `inner_peak` meanwhile.
    pub(crate) fn resume(&self, outer: Paused, now: &Sample, inner_peak: i64) {
        self.cur.set(outer.cur);
        self.mem_before.set(outer.mem_before);
        self.max_peak.set(outer.max_peak.max(inner_peak));
        self.restart(now);
    }
}
