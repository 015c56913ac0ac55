use memory_profiler::profile;

#[profile]
#[path = "store/buffers.rs"]
mod buffers;

fn main() {
    let _ = buffers::fill();
}
