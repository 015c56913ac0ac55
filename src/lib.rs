#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

#[doc(inline)]
pub use profile_macro::{limit, profile};

#[doc(inline)]
pub use profile_runtime::{
    allocator_installed, capture, capture_relative, charged, measure, measure_process,
    thread_stats, write_run_reports, Allocator, Charge, ExternalStats, FunctionSummary,
    LineSummary, LookupError, Measured, Report, Reports, Row, Stats, Summary, Unit, Usage,
};

#[doc(inline)]
pub use profile_runtime::use_stats_alloc;

#[doc(inline)]
pub use profile_runtime::env;

#[doc(inline)]
pub use profile_runtime::baseline;

/// What `#[profile]`'s expansion calls. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use profile_macro::profile_member;
    pub use profile_runtime::__private::*;
}
