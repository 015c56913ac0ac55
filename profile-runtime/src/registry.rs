//! The tables of unoptimised builds: one thread-local registry in the runtime holds each
//! thread's tables, found by the function's number ([`Slot`], in its `FnMeta`), instead of a
//! `thread_local!` per profiled function.
//!
//! A crate with `#[profile]` on every function is built unoptimised for its tests, and each
//! `thread_local!` costs the compiler about a millisecond (its key, initialiser and accessor
//! closures are bodies of their own to type-check, borrow-check and compile): 500 of them,
//! half a second. Here a function's number is given at its first call, and the thread's
//! table of that function is made at its first call on the thread. Optimised
//! builds keep a `thread_local!` per function, which the probes reach at a constant offset,
//! with no lookup (see `__enter!`).
//!
//! The registry and its tables come from `System`, not from the global allocator (see
//! [`Registry`]). When the thread ends, the registry's destructor hands the run-wide store the
//! figures of the tables it lists (`crate::run::unlist`) and frees the tables. A call made
//! after that (by another thread-local's destructor) gets a table of its own, which it folds
//! into the store as it ends, as an `async fn` call does ([`Registered`]'s `own`).
//!
//! It owns the registry; it calls the tables' layout (`crate::table`), the function numbers
//! (`crate::spec::Slot`) and the run-wide store.

use crate::recorder::TableKey;
use crate::spec::{FnMeta, Slot};
use crate::table::{Head, LineCell, Table};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// A table the registry made: its head, and its number of lines (for its layout). All zeros:
/// none yet.
#[derive(Clone, Copy)]
struct Entry {
    head: *mut Head,
    rows: usize,
}

/// A thread's tables, by function number: an array of `len` entries, from `System`.
///
/// The registry and its tables are allocated from `System`, not from the global allocator: a
/// program's own global allocator may have profiled functions, whose first call would need
/// a table, which it would allocate, which would call them again. It also keeps them out of
/// every count.
struct Registry {
    entries: Cell<*mut Entry>,
    len: Cell<usize>,
}

thread_local! {
    static REGISTRY: Registry = const {
        Registry {
            entries: Cell::new(std::ptr::null_mut()),
            len: Cell::new(0),
        }
    };
}

/// The layout of a table of `rows` lines: `Table<N>`'s (it is `repr(C)`: its head, then its
/// lines, at an offset that does not depend on `N`). `None` if so many lines overflow.
fn layout(rows: usize) -> Option<(Layout, usize)> {
    let lines = Layout::array::<LineCell>(rows).ok()?;
    let (layout, offset) = Layout::new::<Head>().extend(lines).ok()?;
    Some((layout.pad_to_align(), offset))
}

/// A new, empty table of `rows` lines; null if it cannot be allocated.
fn make(rows: usize) -> *mut Head {
    let Some((layout, offset)) = layout(rows) else {
        return std::ptr::null_mut();
    };
    // SAFETY: `layout` has a non-zero size (a `Head` is not zero-sized).
    let table = unsafe { System.alloc(layout) };
    if table.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `table` is a fresh allocation of `layout`, which holds a `Head` at offset 0 and
    // `rows` lines from `offset` on, each aligned (`Layout::extend`); every field is written
    // before the table is used.
    unsafe {
        table.cast::<Head>().write(Head::new());
        let lines = table.add(offset).cast::<LineCell>();
        for i in 0..rows {
            lines.add(i).write(LineCell::new());
        }
    }
    table.cast::<Head>()
}

/// Frees a table [`make`] made.
///
/// # Safety
/// `head` comes from `make(rows)`, and nothing uses the table any more.
unsafe extern "C" fn free(head: *mut Head, rows: usize) {
    if let Some((layout, _)) = layout(rows) {
        // SAFETY: allocated from `System` with this layout (the caller's contract); its cells
        // need no drop.
        unsafe { System.dealloc(head.cast(), layout) };
    }
}

impl Registry {
    /// The table of function `index`, made if the thread has none yet (null if it cannot
    /// be allocated).
    #[inline]
    fn table(&self, index: usize, rows: usize) -> *mut Head {
        if index < self.len.get() {
            // SAFETY: `entries` holds `len` initialised entries (`grow`).
            let head = unsafe { (*self.entries.get().add(index)).head };
            if !head.is_null() {
                return head;
            }
        }
        self.add(index, rows)
    }

    #[cold]
    #[inline(never)]
    fn add(&self, index: usize, rows: usize) -> *mut Head {
        if index >= self.len.get() && !self.grow(index + 1) {
            return std::ptr::null_mut();
        }
        let head = make(rows);
        if !head.is_null() {
            // SAFETY: `index < len` (`grow`).
            unsafe { self.entries.get().add(index).write(Entry { head, rows }) };
        }
        head
    }

    /// Room for at least `len` entries, the new ones empty; false if it cannot be allocated.
    fn grow(&self, len: usize) -> bool {
        let old = self.len.get();
        let new = len.max(old * 2).max(64);
        let (Ok(old_layout), Ok(new_layout)) =
            (Layout::array::<Entry>(old), Layout::array::<Entry>(new))
        else {
            return false;
        };
        // SAFETY: `new_layout` is not zero-sized (`new >= 64`); `entries` was allocated from
        // `System` with `old_layout` when `old > 0`.
        let entries = unsafe {
            if old == 0 {
                System.alloc_zeroed(new_layout)
            } else {
                System.realloc(self.entries.get().cast(), old_layout, new_layout.size())
            }
        };
        if entries.is_null() {
            return false;
        }
        let entries = entries.cast::<Entry>();
        // SAFETY: entries `old..new` are within the allocation; all zeros is an empty entry.
        unsafe { entries.add(old).write_bytes(0, new - old) };
        self.entries.set(entries);
        self.len.set(new);
        true
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let (entries, len) = (self.entries.get(), self.len.get());
        for i in 0..len {
            // SAFETY: `entries` holds `len` initialised entries.
            let entry = unsafe { *entries.add(i) };
            if entry.head.is_null() {
                continue;
            }
            // SAFETY: the registry's table, alive until freed below.
            let head = unsafe { &*entry.head };
            if head.registered.get() {
                // The run-wide store lists it: it takes the figures, and forgets the table.
                crate::run::unlist(entry.head);
            }
            // SAFETY: made by `make(entry.rows)`; the thread is ending and the store no longer
            // lists it, so nothing uses it any more.
            unsafe { free(entry.head, entry.rows) };
        }
        if let Ok(layout) = Layout::array::<Entry>(len) {
            if len > 0 {
                // SAFETY: allocated from `System` with this layout (`grow`).
                unsafe { System.dealloc(entries.cast(), layout) };
            }
        }
        self.len.set(0);
    }
}

/// The key of a function's table in unoptimised builds: the thread's table in the registry,
/// found when the call starts; or, once the thread's registry is gone, a table of the call's
/// own, freed when the call ends.
#[doc(hidden)]
pub struct Registered<const N: usize> {
    table: *const Table<N>,
    /// The table is the call's own (the registry is gone, or could not make one).
    own: bool,
}

impl<const N: usize> Registered<N> {
    /// The thread's table of the function of `meta`. (A call, compiled once per table size,
    /// rather than inlined into every function of an unoptimised build.)
    pub fn new(meta: &'static FnMeta) -> Self {
        let found = find(&meta.slot, N);
        Registered {
            table: found.head.cast::<Table<N>>(),
            own: found.own,
        }
    }
}

/// A table [`find`] found.
#[repr(C)]
struct Found {
    head: *mut Head,
    /// The call's own table (the thread's registry is gone).
    own: bool,
}

/// The thread's table of `rows` lines for the function of `slot`, or a table of its own
/// when the thread's registry is gone. (Not generic: compiled once, in the runtime; and
/// `extern "C"`, a function that cannot unwind, so that its call needs no cleanup path in
/// the user's function: see `Core`.)
#[inline(never)]
extern "C" fn find(slot: &Slot, rows: usize) -> Found {
    let index = slot.index();
    let head = REGISTRY
        .try_with(|registry| registry.table(index, rows))
        .unwrap_or(std::ptr::null_mut());
    if !head.is_null() {
        return Found { head, own: false };
    }
    let own = make(rows);
    if own.is_null() {
        // Out of memory: `std`'s answer, as a `Box` of the table would give.
        std::alloc::handle_alloc_error(layout(rows).map_or(Layout::new::<Head>(), |l| l.0));
    }
    Found {
        head: own,
        own: true,
    }
}

impl<const N: usize> TableKey<Table<N>> for Registered<N> {
    #[inline(always)]
    fn with<R>(&self, f: impl FnOnce(&Table<N>) -> R) -> R {
        // SAFETY: a table of `N` lines (`find(.., N)`), made with `Table<N>`'s layout, which
        // lives as long as the thread (the registry's) or the key (its own).
        f(unsafe { &*self.table })
    }

    #[inline(always)]
    fn own(&self) -> Option<&Table<N>> {
        if self.own {
            // SAFETY: as in `with`.
            Some(unsafe { &*self.table })
        } else {
            None
        }
    }
}

impl<const N: usize> Drop for Registered<N> {
    #[inline(always)]
    fn drop(&mut self) {
        if self.own {
            // SAFETY: the call's own table, made by `make(N)`; the guard that held this key
            // has ended its call (a guard's fields drop after its `Drop`).
            unsafe { free(self.table as *mut Head, N) };
        }
    }
}
