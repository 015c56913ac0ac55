#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

#[doc(inline)]
pub use profile_macro::{limit, profile};

#[doc(inline)]
pub use profile_runtime::{
    allocator_installed, capture, charged, measure, measure_process, thread_stats, Allocator,
    Charge, ExternalStats, Measured, Report, Reports, Row, Stats, Unit, Usage,
};

#[doc(inline)]
pub use profile_runtime::use_stats_alloc;

#[doc(inline)]
pub use profile_runtime::env;

#[doc(inline)]
pub use profile_runtime::baseline;

#[doc(hidden)]
pub use profile_runtime::__private;
