// The locals the expansion adds (`__mp_guard`, `__mp_iter`, `__mp_tail`: mixed-site hygiene)
// are invisible to the body: a user's locals of the same names compile, are the ones the body
// sees, and raise no lint.
#![deny(warnings, unused_qualifications, clippy::all)]

use memory_profiler::profile;

#[profile(stream = "stderr")]
fn sum(n: u64) -> u64 {
    let __mp_guard: u64 = 1;
    let mut __mp_iter = 0;
    let __mp_tail: Vec<u8> = (0..16).collect();
    for i in 0..n {
        __mp_iter += i;
    }
    let mut k = 0;
    while k < n {
        k += 1;
    }
    if k == 0 {
        return __mp_guard;
    }
    match __mp_tail.len() {
        16 => __mp_iter + __mp_guard,
        _ => 0,
    }
}

fn main() {
    assert_eq!(sum(4), 7);
}
