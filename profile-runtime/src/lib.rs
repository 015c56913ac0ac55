//! The runtime of [memory-profiler](https://docs.rs/memory-profiler): the counting allocator,
//! the per-line recorder behind `#[profile]`, the reports, and the testing API.
//!
//! Use it through the `memory-profiler` crate, which re-exports everything public here.

#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

mod alloc;
mod backend;
mod bytes;
mod json;
mod limit;
mod measure;
mod recorder;
mod relaxed;
mod report;
mod timeline;

pub use alloc::{allocator_installed, thread_stats, Allocator, Stats};
pub use backend::use_stats_alloc;
pub use backend::ExternalStats;
pub use measure::{charged, measure, measure_process, Charge, Usage};
pub use report::{capture, Measured, Report, Reports, Row, Unit};

/// What `#[profile]`'s expansion calls. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::alloc::{untracked, PassThrough};
    pub use crate::limit::{limit_switched_off, LimitGuard, Limits};
    pub use crate::recorder::{
        AsyncGuard, AsyncTailMark, FnMeta, Format, Guard, Options, Owned, Polled, SharedTable,
        Stream, Table, TableKey, TailMark, Threads,
    };
    pub use crate::report::Unit;
    /// Through here, so that the expansion also compiles in `#![no_std]` crates, where `::std`
    /// is not in the extern prelude.
    pub use std::thread_local;
}
