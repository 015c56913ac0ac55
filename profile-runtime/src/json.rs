//! Reports as JSON (`#[profile(format = "json")]`, or `MEMORY_PROFILER_FORMAT=json` for a run).
