use memory_profiler::profile;

#[profile]
enum Shape {
    Circle,
}

fn main() {
    let _ = Shape::Circle;
}
