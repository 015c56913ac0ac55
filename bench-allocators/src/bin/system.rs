//! The baseline: `System`, as every Rust program has it without a `#[global_allocator]`.
#[global_allocator]
static ALLOC: std::alloc::System = std::alloc::System;

fn main() {
    bench_allocators::main()
}
