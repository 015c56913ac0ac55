//! allocation-counter 0.8: the crate installs its own counting global allocator; it counts
//! inside `allocation_counter::measure`, so each thread's work runs in one.
extern crate allocation_counter;

fn main() {
    bench_allocators::main_with(|work| {
        std::hint::black_box(allocation_counter::measure(work));
    });
}
