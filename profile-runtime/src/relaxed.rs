//! The recorder's cells, with one interface in two kinds: plain `Cell`s (`Local*`) for the
//! thread-local tables of functions, and relaxed atomics for `async fn` calls. The atomic ones
//! are written by one thread at a time, so plain loads and stores suffice (that is what
//! relaxed atomic loads and stores compile to on the usual targets), yet they are `Sync`, so
//! that the state of an `async fn` call can travel with its future between threads.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};

macro_rules! cell {
    ($(#[$doc:meta])* $name:ident($inner:ty): $value:ty, |$c:ident| $get:expr, |$s:ident, $v:ident| $set:expr) => {
        $(#[$doc])*
        #[derive(Debug, Default)]
        pub struct $name($inner);

        impl $name {
            #[inline(always)]
            pub const fn new(value: $value) -> Self {
                $name(<$inner>::new(value))
            }

            #[inline(always)]
            pub fn get(&self) -> $value {
                let $c = &self.0;
                $get
            }

            #[inline(always)]
            pub fn set(&self, value: $value) {
                let ($s, $v) = (&self.0, value);
                $set
            }

            /// Not an atomic swap: a load then a store (one writer at a time).
            #[inline(always)]
            #[allow(dead_code)] // not every cell type needs it
            pub fn replace(&self, value: $value) -> $value {
                let old = self.get();
                self.set(value);
                old
            }
        }
    };
}

cell!(
    /// A signed counter, shareable.
    I64(AtomicI64): i64, |c| c.load(Relaxed), |c, v| c.store(v, Relaxed)
);
cell!(
    /// An unsigned counter, shareable.
    U64(AtomicU64): u64, |c| c.load(Relaxed), |c, v| c.store(v, Relaxed)
);
cell!(
    /// A flag, shareable.
    Flag(AtomicBool): bool, |c| c.load(Relaxed), |c, v| c.store(v, Relaxed)
);
cell!(
    /// A signed counter of one thread.
    LocalI64(Cell<i64>): i64, |c| c.get(), |c, v| c.set(v)
);
cell!(
    /// An unsigned counter of one thread.
    LocalU64(Cell<u64>): u64, |c| c.get(), |c, v| c.set(v)
);
cell!(
    /// A flag of one thread.
    LocalFlag(Cell<bool>): bool, |c| c.get(), |c, v| c.set(v)
);
