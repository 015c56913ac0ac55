//! dhat 0.3: `dhat::Alloc` with its heap profiler running (in testing mode: no file written).
#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    bench_allocators::main()
}
