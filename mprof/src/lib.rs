//! memory_profiler's `mprof`, for any program: `mprof run` samples a program's resident
//! memory over time into memory_profiler's `.dat` format (with the `FUNC` brackets that
//! `#[memory_profiler::profile]` functions add), `mprof plot` draws it to SVG or PNG, and
//! `mprof peak`, `list`, `clean` and `rm` work on the files, as Python's `mprof` does;
//! `mprof html` builds the HTML page of a run from its JSON reports and its `.dat` file, and
//! `mprof diff` compares two run-wide JSON reports of `#[profile]` functions, function by
//! function and line by line. Files written by either tool are read by the other.
//!
//! The command line is in `src/main.rs`; this library holds its parts, for the tests.

pub mod dat;
pub mod diff;
pub mod files;
pub mod html;
pub mod plot;
pub mod procfs;
pub mod run;
mod text;
