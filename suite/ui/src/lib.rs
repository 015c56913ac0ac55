//! The UI tests of memory-profiler's attributes, in `tests/ui.rs` (`cargo test -p
//! memory-profiler-ui-tests`): a package of its own so that trybuild, which builds its cases
//! against every dependency of the package that runs them, builds the profiler's crates only.
