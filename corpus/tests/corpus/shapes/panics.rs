//! Panics that unwind through the function, caught by the caller: from the body, the tail, a
//! loop, a nested call (plain or profiled), a match guard, a `for` head, a `Drop` running at the
//! function's end; with `String`, `&str` and other payloads (`panic_any`, `resume_unwind`);
//! assertion failures, `unwrap`, indexing and overflow. And panics caught inside the function,
//! which returns normally; a lock poisoned by a panic.

// Shapes, not style: `let x = ..; x` tails and `vec!`s made to allocate are what is tested.
#![allow(clippy::let_and_return, clippy::useless_vec)]
// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use std::panic::catch_unwind;
use std::sync::Mutex;

use corpus::{D, log};

#[p]
pub fn only_panics() {
    panic!("only panics");
}

#[p]
pub fn panics_in_tail(k: u32) -> u32 {
    let _local = D("panics_in_tail local");
    let v = vec![k; 4];
    if v.len() > 10 {
        0
    } else {
        panic!("tail panic {}", v[0])
    }
}

#[p]
pub fn panics_in_loop(n: usize) -> usize {
    let mut kept = Vec::new();
    for i in 0..10 {
        let _each = D("panics_in_loop each");
        kept.push(vec![0u8; 8]);
        if i == n {
            panic!("loop panic at {}", i);
        }
    }
    kept.len()
}

fn plain_helper(k: u32) -> u32 {
    let _h = D("plain_helper local");
    if k == 0 {
        panic!("helper panic");
    }
    k
}

#[p]
pub fn panics_in_plain_call(k: u32) -> u32 {
    let _local = D("panics_in_plain_call local");
    let r = plain_helper(k);
    r + 1
}

#[p]
pub fn profiled_helper(k: u32) -> u32 {
    let _h = D("profiled_helper local");
    let s = format!("{k}");
    if k == 0 {
        panic!("profiled helper panic {}", s);
    }
    k
}

#[p]
pub fn panics_in_profiled_call(k: u32) -> u32 {
    let _local = D("panics_in_profiled_call local");
    let buf = vec![1u8; 32];
    let r = profiled_helper(k);
    r + buf.len() as u32
}

#[p]
pub fn panic_any_payload(k: u32) -> u32 {
    let _local = D("panic_any local");
    if k == 0 {
        std::panic::panic_any(42u32);
    }
    k
}

#[p]
pub fn resumes_unwind(k: u32) -> u32 {
    let _local = D("resumes_unwind local");
    if k == 0 {
        std::panic::resume_unwind(Box::new(String::from("resumed")));
    }
    k
}

#[p]
pub fn assertion_fails(a: u32, b: u32) -> u32 {
    let sum = a + b;
    assert_eq!(sum, 10, "the sum is not ten");
    sum
}

#[p]
pub fn unwrap_none(x: Option<u32>) -> u32 {
    let _local = D("unwrap_none local");
    let v = x.unwrap();
    v * 2
}

#[p]
pub fn index_out_of_bounds(i: usize) -> u8 {
    let v = vec![1u8, 2, 3];
    v[i]
}

#[p]
#[allow(clippy::arithmetic_side_effects)]
pub fn overflows(x: u8, y: u8) -> u8 {
    let s = x + y;
    s
}

#[p]
pub fn panics_in_guard(x: i32) -> &'static str {
    match x {
        v if v < 0 && D("guard temp").pick(1) > 0 => panic!("negative in guard"),
        0 => "zero",
        _ => "positive",
    }
}

#[p]
pub fn panics_in_for_head(n: u32) -> u32 {
    let mut s = 0;
    for x in D("panicking head").upto(if n == 0 { panic!("empty head") } else { n }) {
        s += x;
    }
    s
}

pub struct Bomb(pub &'static str);

impl Drop for Bomb {
    fn drop(&mut self) {
        log(self.0);
        if !std::thread::panicking() {
            panic!("bomb went off");
        }
    }
}

#[p]
pub fn panics_in_drop_at_return(k: u32) -> u32 {
    let _outer = D("bomb outer");
    let _bomb = Bomb("bomb dropped");
    let _inner = D("bomb inner");
    k + 1
}

#[p]
pub fn catches_its_own_panic(k: u32) -> (bool, u32) {
    let _local = D("catches local");
    let caught = catch_unwind(|| {
        let _inside = D("catches inside");
        if k == 0 {
            panic!("caught inside");
        }
        k
    });
    let ok = caught.is_ok();
    (ok, caught.unwrap_or(0))
}

#[p]
pub fn poisons(m: &Mutex<Vec<u32>>, k: u32) -> usize {
    let mut guard = m.lock().unwrap();
    guard.push(k);
    if k == 0 {
        panic!("poisoning");
    }
    guard.len()
}

#[p]
pub fn panics_in_closure(k: u32) -> u32 {
    let f = |x: u32| -> u32 {
        if x == 0 {
            panic!("closure panic");
        }
        x
    };
    let _local = D("panics_in_closure local");
    f(k) + 1
}

#[p]
pub fn panic_after_return_value(k: u32) -> Vec<u32> {
    let v = vec![k; 3];
    let w = if k == 0 {
        let _guard = D("panic_after_return_value guard");
        panic!("late panic")
    } else {
        v.clone()
    };
    [v, w].concat()
}

cases! { plain_panics profiled_panics;
    panics_from_the_body => {
        both!(panic only_panics: |m| m::only_panics());
        both!(panic panics_in_tail: |m| m::panics_in_tail(3));
        for n in [0, 3] {
            both!(panic panics_in_loop: |m| m::panics_in_loop(n));
        }
        let msg = both!(panic panics_in_plain_call: |m| m::panics_in_plain_call(0));
        assert_eq!(msg, "helper panic");
        both!(panics_in_plain_call: |m| m::panics_in_plain_call(2));
        both!(panic panics_in_profiled_call: |m| m::panics_in_profiled_call(0));
        both!(panics_in_profiled_call: |m| m::panics_in_profiled_call(5));
    }
    payloads => {
        let msg = both!(panic panic_any_payload: |m| m::panic_any_payload(0));
        assert_eq!(msg, "<u32 payload 42>");
        let msg = both!(panic resumes_unwind: |m| m::resumes_unwind(0));
        assert_eq!(msg, "resumed");
        both!(resumes_unwind: |m| m::resumes_unwind(1));
    }
    std_panics => {
        both!(panic assertion_fails: |m| m::assertion_fails(2, 3));
        both!(assertion_fails: |m| m::assertion_fails(4, 6));
        both!(panic unwrap_none: |m| m::unwrap_none(None));
        both!(panic index_out_of_bounds: |m| m::index_out_of_bounds(5));
        let msg = both!(panic overflows: |m| m::overflows(200, 100));
        assert!(msg.contains("overflow"), "{}", msg);
    }
    panics_in_guards_heads_and_drops => {
        both!(panic panics_in_guard: |m| m::panics_in_guard(-1));
        both!(panics_in_guard: |m| m::panics_in_guard(0));
        both!(panic panics_in_for_head: |m| m::panics_in_for_head(0));
        both!(panics_in_for_head: |m| m::panics_in_for_head(3));
        let msg = both!(panic panics_in_drop_at_return: |m| m::panics_in_drop_at_return(1));
        assert_eq!(msg, "bomb went off");
        both!(panic panics_in_closure: |m| m::panics_in_closure(0));
        both!(panic panic_after_return_value: |m| m::panic_after_return_value(0));
        both!(panic_after_return_value: |m| m::panic_after_return_value(2));
    }
    panics_caught_inside_and_poisoning => {
        for k in [0, 3] {
            both!(catches_its_own_panic: |m| m::catches_its_own_panic(k));
        }
        let locks = [Mutex::new(vec![1]), Mutex::new(vec![1])];
        let each = corpus::Each::new(&locks);
        both!(panic poisons (each.next()): |m, l| m::poisons(l, 0));
        for l in &locks {
            assert!(l.is_poisoned(), "the panic poisoned the lock in both twins");
        }
        let locks = [Mutex::new(vec![1]), Mutex::new(vec![1])];
        let each = corpus::Each::new(&locks);
        both!(poisons (each.next()): |m, l| m::poisons(l, 2));
    }
}
