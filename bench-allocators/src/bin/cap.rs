//! cap 0.1: `Cap<System>` with no limit (process-wide atomic counters).
#[global_allocator]
static ALLOC: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, usize::MAX);

fn main() {
    bench_allocators::main()
}
