#[memory_profiler::limit(peak = "1 MiB")]
struct Buffer;

fn main() {
    let _ = Buffer;
}
