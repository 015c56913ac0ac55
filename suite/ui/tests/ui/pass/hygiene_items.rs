// User items named like the runtime's types do not capture the expansion's paths, which are
// all absolute (`::memory_profiler::__private::...`, `::core::...`, `::std::...`).
#![deny(warnings, unused_qualifications, clippy::all)]
#![allow(non_snake_case)]

use ::memory_profiler::profile;

#[global_allocator]
static ALLOC: ::memory_profiler::Allocator = ::memory_profiler::Allocator::system();

struct FnMeta;
struct Guard;
struct Table;
struct Options;
struct Stream;
struct Threads;
enum Unit {
    MiB,
}

#[allow(dead_code)]
mod core {}
#[allow(dead_code)]
mod std {}
#[allow(dead_code)]
mod __private {}
#[allow(dead_code)]
mod memory_profiler {}

#[profile(stream = "stderr")]
fn fill() -> Vec<u8> {
    let _ = (FnMeta, Guard, Table, Options, Stream, Threads, Unit::MiB);
    vec![0; 64]
}

// Items and locals of the body named like the expansion's own statics: those live in the
// guard's initialiser block, out of the body's reach.
#[profile(stream = "stderr")]
fn shadows() -> u32 {
    const TABLE: u32 = 2;
    let META = TABLE + 1;
    let __MEMORY_PROFILER_META = META;
    __MEMORY_PROFILER_META * TABLE
}

fn main() {
    assert_eq!(fill().len(), 64);
    assert_eq!(shadows(), 6);
}
