//! Ours: `memory_profiler::Allocator` over `System`.
#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

fn main() {
    bench_allocators::main()
}
