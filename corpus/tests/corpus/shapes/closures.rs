//! Closures in the body (not rewritten: their cost shows on the line that runs them): capturing
//! by reference, by mutable reference and by move, nested closures mixing both, closures
//! returned and boxed, `return` and `?` inside closures, `FnOnce` consumption, captured values'
//! drops, edition 2021+ disjoint field captures (async closures and blocks are in `asyncs.rs`).

// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use corpus::{D, log};

#[p]
pub fn captures(v: &[u32]) -> (u32, Vec<u32>, u32) {
    let mut count = 0;
    let mut bump = |x: u32| count += x;
    for x in v {
        bump(*x);
    }
    let first_big = |limit: u32| -> u32 {
        for x in v {
            if *x > limit {
                return *x;
            }
        }
        0
    };
    let big = first_big(1);
    let owned = v.to_vec();
    let extended = move || {
        let mut owned = owned;
        owned.push(99);
        owned
    };
    (count, extended(), big)
}

#[p]
pub fn nested_closures(base: u32) -> (u32, u32, Vec<u32>) {
    let mut seen = Vec::with_capacity(8);
    let make = move |k: u32| move |x: u32| x + k + base;
    let add_two = make(2);
    let mut record = |x: u32| {
        let twice = |y: u32| y * 2;
        seen.push(twice(x));
        let inner_sum = |extra: u32| seen.iter().sum::<u32>() + extra;
        inner_sum(0)
    };
    let a = record(add_two(1));
    let b = record(add_two(10));
    (a, b, seen)
}

#[p]
pub fn closure_question_mark(xs: &[&str]) -> (Result<u32, String>, u32) {
    let parse_all = |xs: &[&str]| -> Result<u32, String> {
        let mut s = 0;
        for x in xs {
            s += x.parse::<u32>().map_err(|e| e.to_string())?;
        }
        Ok(s)
    };
    let r = parse_all(xs);
    let fallback = parse_all(&["1"]).unwrap_or(0);
    (r, fallback)
}

#[p]
pub fn fn_once_consumption(n: usize) -> (usize, usize) {
    let data = vec![1u8; n];
    let take = move || data;
    let got = take();
    let len = got.len();
    let drop_it = move || drop(got);
    drop_it();
    (len, n)
}

#[p]
pub fn captured_drops() {
    let d = D("captured by move");
    let e = D("captured by ref");
    let by_move = move || d.name().len();
    let by_ref = || e.name().len();
    log("closures made");
    let n = by_move() + by_ref();
    drop(by_move);
    log("move closure dropped");
    if n > 0 {
        log("captured_drops used");
    }
}

pub struct Pair {
    pub a: D,
    pub b: D,
}

#[p]
pub fn disjoint_field_capture(flag: bool) -> usize {
    let p = Pair {
        a: D("disjoint a"),
        b: D("disjoint b"),
    };
    let c = move || p.a.name().len();
    log("disjoint closure made");
    let n = if flag { c() } else { 0 };
    drop(c);
    log("disjoint closure dropped");
    n + p.b.0.len()
}

#[p]
pub fn returns_closure(k: u32) -> impl FnMut() -> u32 {
    let mut state = k;
    let step = 3;
    move || {
        state += step;
        state
    }
}

#[p]
pub fn boxed_closures(n: u32) -> Vec<u32> {
    let mut fs: Vec<Box<dyn Fn(u32) -> u32>> = Vec::new();
    for i in 0..n {
        fs.push(Box::new(move |x| x * i));
    }
    fs.push(Box::new(|x| x + 1000));
    fs.iter().map(|f| f(2)).collect()
}

#[p]
pub fn apply<F: Fn(u32) -> u32>(f: F, n: u32) -> u32 {
    let mut acc = 0;
    for i in 0..n {
        acc += f(i);
    }
    acc
}

#[p]
pub fn call_twice(mut f: impl FnMut() -> u32) -> (u32, u32) {
    let a = f();
    let b = f();
    (a, b)
}

#[p]
pub fn copy_capture(x: u32) -> (u32, u32) {
    let mut v = x;
    let read = move || v * 10;
    v += 1;
    (read(), v)
}

#[p]
pub fn closures_with_labels(rows: &[Vec<u32>]) -> u32 {
    let search = |target: u32| {
        let mut hits = 0;
        'rows: for row in rows {
            for x in row {
                if *x == target {
                    hits += 1;
                    continue 'rows;
                }
            }
        }
        hits
    };
    search(1) + search(2) * 10
}

#[p]
pub fn iterator_chains(n: u32) -> (u32, Vec<String>, usize) {
    let mut calls = 0;
    let sum: u32 = (0..n)
        .filter(|x| {
            calls += 1;
            x % 2 == 0
        })
        .map(|x| x * x)
        .sum();
    let words: Vec<String> = (0..n).map(|i| format!("w{i}")).rev().collect();
    let longest = words.iter().map(String::len).max().unwrap_or(0);
    (sum + calls, words, longest)
}

#[p]
pub fn closure_panics_caught(k: u32) -> (bool, u32) {
    let f = |x: u32| {
        if x == 0 {
            panic!("closure panicked");
        }
        x * 2
    };
    let caught = std::panic::catch_unwind(|| f(k)).is_err();
    (caught, if k > 0 { f(k) } else { 0 })
}

cases! { plain_closures profiled_closures;
    captures_by_ref_mut_and_move => {
        let v = vec![1, 2, 3];
        both!(captures: |m| m::captures(&v));
        both!(nested_closures: |m| m::nested_closures(5));
        both!(copy_capture: |m| m::copy_capture(4));
    }
    returns_and_question_marks_inside_closures => {
        for xs in [&["1", "2"][..], &["1", "x"][..]] {
            let _ = both!(closure_question_mark: |m| m::closure_question_mark(xs));
        }
        let rows = vec![vec![1, 2, 1], vec![2], vec![3, 1]];
        both!(closures_with_labels: |m| m::closures_with_labels(&rows));
    }
    fn_once_and_drops_of_captures => {
        both!(fn_once_consumption: |m| m::fn_once_consumption(16));
        both!(captured_drops: |m| m::captured_drops());
        for flag in [true, false] {
            both!(disjoint_field_capture: |m| m::disjoint_field_capture(flag));
        }
    }
    closures_returned_boxed_and_passed => {
        both!(returns_closure: |m| m::returns_closure(1) => |mut f| (f(), f()));
        both!(boxed_closures: |m| m::boxed_closures(3));
        both!(apply: |m| m::apply(|x| x + 1, 4));
        let k = 7;
        both!(apply: |m| m::apply(move |x| x * k, 3));
        both!(call_twice: |m| {
            let mut i = 0;
            m::call_twice(move || {
                i += 5;
                i
            })
        });
        both!(iterator_chains: |m| m::iterator_chains(5));
    }
    panics_caught_inside => {
        for k in [0, 2] {
            both!(closure_panics_caught: |m| m::closure_panics_caught(k));
        }
    }
}
