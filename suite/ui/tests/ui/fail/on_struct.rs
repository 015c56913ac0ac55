use memory_profiler::profile;

#[profile]
struct Point {
    x: i32,
}

fn main() {
    let _ = Point { x: 1 }.x;
}
