//! The runtime of [memory-profiler](https://docs.rs/memory-profiler): the counting allocator,
//! the per-line recorder behind `#[profile]`, the reports, and the testing API.
//!
//! Use it through the `memory-profiler` crate, which re-exports everything public here.

#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

// The path of a call: the contract with the macro, the allocator's counters, the recorder
// (probes, tables, guards) and the run-wide store, the report model and its renderings, the
// output; beside them, the testing API (`limit`'s baselines: the model in `baseline`, their
// files in `snapshots`).
mod spec;

mod alloc;
mod bytes;
mod heap;
mod relaxed;

mod recorder;
mod run;
mod table;
mod timeline;

mod html;
mod json;
mod names;
mod report;
mod summary;

mod output;

pub mod baseline;
mod limit;
mod measure;
mod snapshots;

pub use alloc::{allocator_installed, thread_stats, Allocator, Stats};
pub use heap::{use_stats_alloc, ExternalStats, Measured};
pub use measure::{charged, measure, measure_process, Charge, Usage};
pub use output::{capture, capture_relative};
pub use report::{LookupError, Report, Reports, Row};
pub use run::write_run_reports;
pub use spec::Unit;
pub use summary::{FunctionSummary, LineSummary, Summary};

/// The environment variables a profiled program reads, and the `FUNC` line it writes under
/// `mprof run`: what the `mprof` tool and the program agree on.
pub mod env {
    pub use crate::spec::{
        func_line, read_func_line, BASELINE_DIR_VAR, DAT_VAR, FORMAT_VAR, HTML_VAR, INTERVAL_VAR,
        REPORTS_VAR, REPORT_VAR, UPDATE_VAR,
    };
}

/// What `mprof html` builds the page of a run with, from the run's JSON reports and its
/// `.dat` file. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __page {
    pub use crate::html::{page, report, reports, row, Timeline, TimelineCall};
}

/// What `#[profile]`'s expansion calls. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::alloc::{untracked, PassThrough};
    pub use crate::baseline::{Tolerance, Tolerances};
    pub use crate::limit::{limit_switched_off, LimitGuard, Limits};
    pub use crate::recorder::{
        AsyncGuard, AsyncTailMark, Guard, Owned, Polled, TableKey, TailMark,
    };
    pub use crate::snapshots::Baseline;
    pub use crate::spec::{FnMeta, Format, Options, SelfType, Stream, Threads, Unit, When};
    pub use crate::table::{SharedTable, Table};
    /// Through here, so that the expansion also compiles in `#![no_std]` crates, where `::std`
    /// is not in the extern prelude.
    pub use std::thread_local;
}
