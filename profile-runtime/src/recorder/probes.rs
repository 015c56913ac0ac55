//! The receiver of a function call's probes ([`Guard::probes`]): the guard itself in optimised
//! builds, where each probe is inlined at its row; in unoptimised builds (where the runtime has
//! debug assertions), [`Probes`], a handle of no generic type whose methods are the runtime's
//! own functions. A probe of an unoptimised build is then one call with two arguments, which
//! the user's crate type-checks, borrow-checks and compiles without instantiating anything:
//! against a method of the generic guard, that is about a third of the compile time a
//! 300-line function adds (BENCHMARKS, section 4).
//!
//! The expansion binds it once, first in the body (`let __mp_probes = __mp_guard.probes();`),
//! and calls the same methods on either: `line`, `resume`, `reach`, `ret`, `tail_mark`,
//! `block_mark`. (An `async fn`'s probes stay on its guard: a handle of raw pointers would make
//! its future neither `Send` nor `Sync`.)

use super::{Guard, TableKey};
use crate::table::Table;

#[cfg(debug_assertions)]
use {
    super::call::Core,
    crate::table::{Head, LineCell, Parts},
};

impl<K: TableKey<Table<N>>, const N: usize> Guard<K, N> {
    /// The probes' receiver: the guard, whose probes are inlined.
    #[cfg(not(debug_assertions))]
    #[inline(always)]
    pub fn probes(&self) -> &Self {
        self
    }

    /// The probes' receiver: a handle on the call's state and table, whose probes are calls.
    /// (A call itself, compiled once per table size, rather than inlined into every function
    /// of an unoptimised build.)
    #[cfg(debug_assertions)]
    pub fn probes(&self) -> Probes {
        let table = self.table();
        Probes {
            core: &self.core,
            head: &table.head,
            lines: &table.lines as *const [LineCell; N] as *const [LineCell],
        }
    }
}

/// The probes of one call in an unoptimised build (see [`Guard::probes`]).
///
/// Raw pointers, so that it borrows nothing, which the borrow checker of the user's crate
/// would have to check (the lines are a slice: the table seen without its `N`, with the
/// length made when the handle is). The handle is a local of the
/// function's body (named with mixed-site hygiene, which the user's code cannot name), made
/// from the call's guard, which outlives the body and does not move while it runs (it is the
/// scrutinee of the `match` the body is the arm of). A function's table is its thread's, and
/// the body runs on that thread.
#[cfg(debug_assertions)]
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Probes {
    core: *const Core,
    /// The call's table: its head and its lines.
    head: *const Head,
    lines: *const [LineCell],
}

// The probes are `extern "C"` functions, which cannot unwind (a panic in one would abort;
// none can panic): calling them needs no unwinding edge in the user's function, whose every
// probe would otherwise be an `invoke` with its cleanup path, code that the compiler builds
// and optimises for each probe of each function. (Only Rust calls them: `Probes` is
// passed by reference, as a pointer.)
#[cfg(debug_assertions)]
#[allow(improper_ctypes_definitions)]
impl Probes {
    fn core(&self) -> &Core {
        // SAFETY: the call's state, in its guard, which outlives every use of the handle (see
        // `Probes`).
        unsafe { &*self.core }
    }

    fn parts(&self) -> Parts<'_> {
        // SAFETY: the call's table, which is the thread's and outlives the call (see
        // `Probes`). (Not `slice::from_raw_parts`, whose checks are calls in the unoptimised
        // builds this handle is for.)
        unsafe {
            Parts {
                head: &*self.head,
                lines: &*self.lines,
            }
        }
    }

    /// See [`Guard::line`].
    #[inline(never)]
    pub extern "C" fn line(&self, idx: usize) {
        self.core().step_at(self.parts(), idx, Some(true));
    }

    /// See [`Guard::resume`].
    #[inline(never)]
    pub extern "C" fn resume(&self, idx: usize) {
        self.core().step_at(self.parts(), idx, Some(false));
    }

    /// See [`Guard::reach`].
    #[inline(never)]
    pub extern "C" fn reach(&self, idx: usize) {
        self.core().reach_at(self.parts(), idx);
    }

    /// See [`Guard::ret`].
    #[inline(always)]
    pub fn ret<T>(&self, value: T) -> T {
        self.close();
        value
    }

    /// See [`Guard::close`].
    #[inline(never)]
    extern "C" fn close(&self) {
        self.core().close_at(self.parts());
    }

    /// A block's mark dropped (see `ProbesMark`).
    #[inline(never)]
    extern "C" fn mark_dropped(&self, row: usize) {
        self.core().tail_at(self.parts(), row);
    }

    /// See [`Guard::tail_mark`].
    #[inline(always)]
    pub fn tail_mark(&self) -> ProbesMark {
        self.block_mark(usize::MAX)
    }

    /// See [`Guard::block_mark`].
    #[inline(always)]
    pub fn block_mark(&self, row: usize) -> ProbesMark {
        ProbesMark { probes: *self, row }
    }
}

/// A block's mark in an unoptimised build (see [`Guard::block_mark`]).
#[cfg(debug_assertions)]
#[doc(hidden)]
pub struct ProbesMark {
    probes: Probes,
    row: usize,
}

#[cfg(debug_assertions)]
impl Drop for ProbesMark {
    #[inline(always)]
    fn drop(&mut self) {
        self.probes.mark_dropped(self.row);
    }
}
