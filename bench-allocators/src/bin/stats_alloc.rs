//! stats_alloc 0.1: `INSTRUMENTED_SYSTEM` (process-wide atomic counters).
#[global_allocator]
static ALLOC: &stats_alloc::StatsAlloc<std::alloc::System> = &stats_alloc::INSTRUMENTED_SYSTEM;

fn main() {
    bench_allocators::main()
}
