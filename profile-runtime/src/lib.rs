//! The runtime of [memory-profiler](https://docs.rs/memory-profiler): the counting allocator,
//! the per-line recorder behind `#[profile]`, the reports, and the testing API.
//!
//! Use it through the `memory-profiler` crate, which re-exports everything public here.

#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

// The modules in the order a profiled call goes through them: allocator counters → recorder
// (probe, table, guard) → report (model, renderings) → output. Each module's opening comment
// says what it owns and what it may call; no two modules import each other, directly or not.

// The contract: what the macro's expansion names, the variables and the `FUNC` line that a
// profiled program and `mprof` agree on. Imports nothing of the crate.
mod spec;

// Allocator counters.
// The one-thread cells that counters and tables are made of.
mod relaxed;
// The counting global allocator and its per-thread counters.
mod alloc;
// Which heap a figure follows, and how each is read (the counters, stats_alloc, the RSS).
mod heap;

// Recorder.
// The guard of a call and its probes (the call's own state in `recorder::call`).
mod recorder;
// A profiled function's table: a cell per source line, the calls in progress.
mod table;
// The thread's tables of unoptimised builds, by function number.
mod registry;
// The run-wide store of `report = "exit"`: tables summed, written at exit.
mod run;
// The `mprof run` timeline: a `FUNC` line per long enough call.
mod timeline;

// Report.
// The model (Report, Row, Reports) and memory_profiler's text.
mod report;
// How profiled functions are named.
mod names;
// The summary of a run: functions ranked, the lines that allocated most.
mod summary;
// Reports and summaries as JSON.
mod json;
// A run's reports as one HTML page.
mod html;

// Output: the only module that writes (streams, captures, held reports, the `.dat` sink, a
// run's reports and page at exit, baseline files).
mod output;

// Beside the path: the testing API.
// `measure` and friends: exact figures of a piece of work.
mod measure;
// The guard behind `#[limit]`.
mod limit;
// Allocation baselines: the model (snapshots, comparison, tolerances).
pub mod baseline;
// Their files beside the tests.
mod snapshots;
// Byte counts as the messages print them.
mod bytes;

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
    pub use crate::__enter as enter;
    pub use crate::alloc::{untracked, PassThrough};
    pub use crate::baseline::{Tolerance, Tolerances};
    pub use crate::limit::{limit_switched_off, LimitGuard, Limits};
    pub use crate::recorder::{
        AsyncGuard, AsyncTailMark, Guard, Owned, Polled, TableKey, TailMark,
    };
    #[cfg(debug_assertions)]
    pub use crate::recorder::{Probes, ProbesMark};
    pub use crate::registry::Registered;
    pub use crate::snapshots::Baseline;
    pub use crate::spec::{FnMeta, Format, Options, SelfType, Slot, Stream, Threads, Unit, When};
    pub use crate::table::{SharedTable, Table};
    /// Through here, so that the expansion also compiles in `#![no_std]` crates, where `::std`
    /// is not in the extern prelude.
    pub use std::thread_local;
}

/// The start of a call of a profiled function (not an `async fn`): the key that reaches the
/// function's table, and the call's guard. What `#[profile]` writes at the top of a function,
/// kept here so that the attribute emits a few tokens instead of all of these for each
/// function (a crate with `#[profile]` on every function pays for each token it emits).
///
/// In optimised builds, the table is a `thread_local!` of the function's own, and the key a
/// zero-sized type of its own, which reaches the table without an indirect call or a lookup
/// at every probe. In unoptimised builds (those of `cargo test`, which type-check and compile
/// each `thread_local!` for a millisecond), the table is the thread's in the runtime's
/// registry, found by the function's number in `$meta` when the call starts
/// ([`Registered`](crate::__private::Registered)); the key is generic over the size only, so
/// functions with tables of the same size share their guard's code.
#[doc(hidden)]
#[macro_export]
macro_rules! __enter {
    ($rows:literal, $meta:expr) => {{
        #[cfg(not(debug_assertions))]
        $crate::__private::thread_local! {
            static TABLE: $crate::__private::Table<$rows> =
                const { $crate::__private::Table::<$rows>::NEW };
        }
        #[cfg(not(debug_assertions))]
        struct Key;
        #[cfg(not(debug_assertions))]
        impl $crate::__private::TableKey<$crate::__private::Table<$rows>> for Key {
            #[inline(always)]
            fn with<R>(
                &self,
                f: impl ::core::ops::FnOnce(&$crate::__private::Table<$rows>) -> R,
            ) -> R {
                TABLE.with(f)
            }
        }
        #[cfg(not(debug_assertions))]
        let key = Key;
        #[cfg(debug_assertions)]
        let key = $crate::__private::Registered::<$rows>::new($meta);
        $crate::__private::Guard::<_, $rows>::enter($meta, key)
    }};
}
