//! The recorder's cells: values with the interface of a `Cell`, written by one thread at a time
//! (their owner), yet `Sync`: the state of an `async fn` call travels with its future between
//! threads, and the run-wide store reads a thread's tables from the thread that writes the
//! reports at exit.
//!
//! The owner writes with relaxed atomic stores and reads with plain loads ([`get`](U64::get));
//! any other thread reads with relaxed atomic loads ([`load`](U64::load)). No other thread ever
//! writes a cell while its owner uses it, and a plain read does not conflict with another
//! thread's atomic read, so there is no data race; plain loads let the compiler keep what
//! consecutive probes read in registers.
//!
//! Everything here is `#[inline(always)]` and calls nothing, because it runs in every probe
//! of the user's crate, which is often built unoptimised (`cargo test`): there, each call of a
//! small helper of the standard library (`AtomicU64::store`, `atomic_store`) is a real call.
//! On x86-64 in such builds, the relaxed store is one `mov` in inline assembly, which is what
//! the compiler emits for it in optimised builds (an aligned `mov` is atomic on x86-64, and
//! Rust's rules let inline assembly perform atomic accesses); elsewhere, and in optimised
//! builds (where the assembly would hide the store from the optimiser), it is
//! `AtomicU64::store`.
//!
//! It owns nothing but the cell types. It calls nothing of the crate; the allocator's
//! `installed` flag, the tables and the recorder are made of its cells.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};

/// An unsigned counter.
#[derive(Debug, Default)]
pub struct U64(UnsafeCell<u64>);

/// A signed counter.
#[derive(Debug, Default)]
pub struct I64(UnsafeCell<i64>);

/// A flag.
#[derive(Debug, Default)]
pub struct Flag(UnsafeCell<bool>);

// SAFETY: every write is an atomic store (`store_*`), every read from a thread that is not the
// cell's owner an atomic load (`load`); the owner's plain reads never meet a write of another
// thread (only the owner writes). No access is a data race.
unsafe impl Sync for U64 {}
// SAFETY: as for `U64`.
unsafe impl Sync for I64 {}
// SAFETY: as for `U64`.
unsafe impl Sync for Flag {}

/// A relaxed atomic store of `value` at `ptr` (see the module's docs).
#[inline(always)]
fn store_u64(ptr: *mut u64, value: u64) {
    #[cfg(all(target_arch = "x86_64", debug_assertions, not(miri)))]
    // SAFETY: `ptr` is valid and aligned for a `u64` (it comes from a live `UnsafeCell<u64>`);
    // an aligned 8-byte `mov` is an atomic store on x86-64.
    unsafe {
        std::arch::asm!("mov qword ptr [{ptr}], {value}", ptr = in(reg) ptr, value = in(reg) value, options(nostack, preserves_flags));
    }
    #[cfg(not(all(target_arch = "x86_64", debug_assertions, not(miri))))]
    // SAFETY: `ptr` is valid and aligned for a `u64`, and only accessed atomically by other
    // threads (see the module's docs).
    unsafe { AtomicU64::from_ptr(ptr) }.store(value, Relaxed);
}

#[inline(always)]
fn store_u8(ptr: *mut bool, value: bool) {
    #[cfg(all(target_arch = "x86_64", debug_assertions, not(miri)))]
    // SAFETY: `ptr` is valid for a `bool`; a 1-byte `mov` is an atomic store on x86-64, and
    // `value as u8` is 0 or 1, a valid `bool`.
    unsafe {
        std::arch::asm!("mov byte ptr [{ptr}], {value}", ptr = in(reg) ptr, value = in(reg_byte) value as u8, options(nostack, preserves_flags));
    }
    #[cfg(not(all(target_arch = "x86_64", debug_assertions, not(miri))))]
    // SAFETY: `ptr` is valid for a `bool`, and only accessed atomically by other threads.
    unsafe { AtomicBool::from_ptr(ptr) }.store(value, Relaxed);
}

/// A relaxed atomic load of a process-wide setting (see the module's docs: one `mov` in
/// unoptimised builds on x86-64, where `AtomicU8::load` would be two calls).
#[inline(always)]
pub fn load_u8(atomic: &std::sync::atomic::AtomicU8) -> u8 {
    #[cfg(all(target_arch = "x86_64", debug_assertions, not(miri)))]
    {
        let value: u8;
        // SAFETY: the pointer is valid for a `u8` (a live `AtomicU8`); a 1-byte `mov` is an
        // atomic load on x86-64.
        unsafe {
            std::arch::asm!("mov {value}, byte ptr [{ptr}]", ptr = in(reg) atomic.as_ptr(), value = out(reg_byte) value, options(nostack, preserves_flags, readonly));
        }
        value
    }
    #[cfg(not(all(target_arch = "x86_64", debug_assertions, not(miri))))]
    atomic.load(Relaxed)
}

/// A relaxed atomic load of a process-wide `u64` (as [`load_u8`]).
#[inline(always)]
pub fn load_u64(atomic: &AtomicU64) -> u64 {
    #[cfg(all(target_arch = "x86_64", debug_assertions, not(miri)))]
    {
        let value: u64;
        // SAFETY: the pointer is valid and aligned for a `u64` (a live `AtomicU64`); an
        // aligned 8-byte `mov` is an atomic load on x86-64.
        unsafe {
            std::arch::asm!("mov {value}, qword ptr [{ptr}]", ptr = in(reg) atomic.as_ptr(), value = out(reg) value, options(nostack, preserves_flags, readonly));
        }
        value
    }
    #[cfg(not(all(target_arch = "x86_64", debug_assertions, not(miri))))]
    atomic.load(Relaxed)
}

impl U64 {
    pub const fn new(value: u64) -> Self {
        U64(UnsafeCell::new(value))
    }

    /// The value, read by the cell's owner (the only thread that writes it).
    #[inline(always)]
    pub fn get(&self) -> u64 {
        // SAFETY: only the owner calls `get`, and only the owner writes the cell: this read
        // never races with a write.
        unsafe { *self.0.get() }
    }

    #[inline(always)]
    pub fn set(&self, value: u64) {
        store_u64(self.0.get(), value);
    }

    /// Adds `n` (wrapping), by the owner.
    #[inline(always)]
    pub fn add(&self, n: u64) {
        self.set(self.get().wrapping_add(n));
    }

    /// The value, read by any thread.
    #[inline(always)]
    pub fn load(&self) -> u64 {
        // SAFETY: the pointer is valid and aligned; writes are atomic (see the module's docs).
        unsafe { AtomicU64::from_ptr(self.0.get()) }.load(Relaxed)
    }
}

impl I64 {
    pub const fn new(value: i64) -> Self {
        I64(UnsafeCell::new(value))
    }

    /// The value, read by the cell's owner (the only thread that writes it).
    #[inline(always)]
    pub fn get(&self) -> i64 {
        // SAFETY: as for `U64::get`.
        unsafe { *self.0.get() }
    }

    #[inline(always)]
    pub fn set(&self, value: i64) {
        store_u64(self.0.get().cast::<u64>(), value as u64);
    }

    /// The value, read by any thread.
    #[inline(always)]
    pub fn load(&self) -> i64 {
        // SAFETY: as for `U64::load`.
        unsafe { AtomicI64::from_ptr(self.0.get()) }.load(Relaxed)
    }
}

impl Flag {
    pub const fn new(value: bool) -> Self {
        Flag(UnsafeCell::new(value))
    }

    /// The value, read by the cell's owner (the only thread that writes it).
    #[inline(always)]
    pub fn get(&self) -> bool {
        // SAFETY: as for `U64::get`.
        unsafe { *self.0.get() }
    }

    #[inline(always)]
    pub fn set(&self, value: bool) {
        store_u8(self.0.get(), value);
    }

    /// The value, read by any thread.
    #[inline(always)]
    pub fn load(&self) -> bool {
        // SAFETY: as for `U64::load`.
        unsafe { AtomicBool::from_ptr(self.0.get()) }.load(Relaxed)
    }

    /// Not an atomic swap: a load then a store (one writer at a time).
    #[inline(always)]
    pub fn replace(&self, value: bool) -> bool {
        let old = self.get();
        self.set(value);
        old
    }
}
