//! The integration tests that need no process of their own, as the modules of one test binary:
//! one build, one link, and one run whose tests go in parallel (the counters are per thread, so
//! the figures stay exact). Run one module with `cargo test -p memory-profiler-suite --test
//! integration json::` (a filter on the test names, which start with the module's).
//!
//! The tests whose process is their own (a different `#[global_allocator]`, none at all,
//! process-wide figures, an example included, no test harness) are the other binaries of
//! `tests/`, each saying why at its top. Tests that do what a process does once (read an
//! environment variable, write reports at exit) run this binary again as a child process, on
//! one test: `memory_profiler_suite::run_child`. The UI tests of the compile errors are the
//! package `suite/ui/` (trybuild builds its cases against every dependency of its package).

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

mod async_fn;
mod baseline;
mod blocks;
mod fixtures;
mod html;
mod impls;
mod impls_readme;
mod json;
mod json_env;
mod limit_location;
mod limits;
mod measure;
mod mprof_timeline;
mod off_feature;
mod options;
mod rayon;
mod robustness;
mod run_wide;
mod snapshots;
mod stream;
mod threads;
