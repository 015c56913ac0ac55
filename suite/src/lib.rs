//! The package of memory-profiler's integration tests (`tests/`) and overhead benches
//! (`benches/`): a package of its own so that their dev-dependencies (trybuild, tokio, rayon,
//! criterion, dhat, insta, serde, ...) never build for the facade's examples.
