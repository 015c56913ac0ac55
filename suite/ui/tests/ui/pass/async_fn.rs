// `#[profile]` on `async fn`s, free and in an impl, whose futures stay `Send`.
#![deny(warnings, unused_qualifications, clippy::all)]

use memory_profiler::profile;

#[profile(stream = "stderr")]
async fn double(n: u32) -> u32 {
    let v = vec![n; 2];
    ready(v.iter().sum()).await
}

async fn ready(n: u32) -> u32 {
    n
}

struct Service;

impl Service {
    #[profile(stream = "stderr")]
    async fn call(&self, n: u32) -> u32 {
        double(n).await + 1
    }
}

fn assert_send<T: Send>(t: T) -> T {
    t
}

fn main() {
    let future = assert_send(Service.call(20));
    drop(future);
}
