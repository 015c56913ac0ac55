//! The recorder's cells: atomics with the interface of a `Cell`. A table is written by one
//! thread at a time (its owner), yet they are `Sync`: the state of an `async fn` call travels
//! with its future between threads, and the run-wide store reads a thread's tables from the
//! thread that writes the reports at exit.
//!
//! The owner writes with relaxed atomic stores, and reads with plain (non-atomic) loads
//! ([`get`](I64::get)): no other thread ever writes a cell while its owner uses it, and a read
//! does not conflict with another thread's atomic read, so this is no data race; and plain
//! loads let the compiler keep what consecutive probes read in registers. Any other thread
//! reads with [`load`](I64::load). Both compile to plain moves on the usual targets.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};

/// A signed counter.
#[derive(Debug, Default)]
pub struct I64(AtomicI64);

/// An unsigned counter.
#[derive(Debug, Default)]
pub struct U64(AtomicU64);

/// A flag.
#[derive(Debug, Default)]
pub struct Flag(AtomicBool);

impl I64 {
    pub const fn new(value: i64) -> Self {
        I64(AtomicI64::new(value))
    }

    /// The value, read by the cell's owner (the only thread that writes it).
    #[inline(always)]
    pub fn get(&self) -> i64 {
        // SAFETY: only the owner calls `get`, and only the owner writes the cell: this read
        // never races with a write (other threads only read, with `load`).
        unsafe { *self.0.as_ptr() }
    }

    /// The value, read by any thread.
    #[inline(always)]
    pub fn load(&self) -> i64 {
        self.0.load(Relaxed)
    }

    #[inline(always)]
    pub fn set(&self, value: i64) {
        self.0.store(value, Relaxed)
    }
}

impl U64 {
    pub const fn new(value: u64) -> Self {
        U64(AtomicU64::new(value))
    }

    /// The value, read by the cell's owner (the only thread that writes it).
    #[inline(always)]
    pub fn get(&self) -> u64 {
        // SAFETY: only the owner calls `get`, and only the owner writes the cell: this read
        // never races with a write (other threads only read, with `load`).
        unsafe { *self.0.as_ptr() }
    }

    /// The value, read by any thread.
    #[inline(always)]
    pub fn load(&self) -> u64 {
        self.0.load(Relaxed)
    }

    #[inline(always)]
    pub fn set(&self, value: u64) {
        self.0.store(value, Relaxed)
    }
}

impl Flag {
    pub const fn new(value: bool) -> Self {
        Flag(AtomicBool::new(value))
    }

    /// The value, read by the cell's owner (the only thread that writes it).
    #[inline(always)]
    pub fn get(&self) -> bool {
        // SAFETY: only the owner calls `get`, and only the owner writes the cell: this read
        // never races with a write (other threads only read, with `load`).
        unsafe { *self.0.as_ptr() }
    }

    /// The value, read by any thread.
    #[inline(always)]
    pub fn load(&self) -> bool {
        self.0.load(Relaxed)
    }

    #[inline(always)]
    pub fn set(&self, value: bool) {
        self.0.store(value, Relaxed)
    }

    /// Not an atomic swap: a load then a store (one writer at a time).
    #[inline(always)]
    pub fn replace(&self, value: bool) -> bool {
        let old = self.get();
        self.set(value);
        old
    }
}
