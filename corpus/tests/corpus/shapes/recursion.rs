//! Recursion: direct (one report for the outermost call, summing every level), mutual between
//! two and three profiled functions, through a tree of boxes, through a trait method, generic,
//! with `?` and early returns, with drops at every level, through a `&mut dyn FnMut`, and with
//! memoisation in a map passed down.

// Shapes, not style: `let x = ..; x` tails and `vec!`s made to allocate are what is tested.
#![allow(clippy::useless_vec)]
// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use std::collections::BTreeMap;

use corpus::{D, log};

#[p]
pub fn depth_sum(n: u64) -> u64 {
    let buf: Vec<u64> = Vec::with_capacity(n as usize + 1);
    if n == 0 {
        return 0;
    }
    let below = depth_sum(n - 1);
    below + buf.capacity() as u64
}

#[p]
pub fn is_even(n: u32) -> bool {
    let trail = vec![0u8; 4];
    if n == 0 {
        return true;
    }
    is_odd(n - 1) && trail.len() == 4
}

#[p]
pub fn is_odd(n: u32) -> bool {
    let trail = String::from("odd");
    if n == 0 {
        return false;
    }
    is_even(n - 1) && !trail.is_empty()
}

#[p]
pub fn ping(n: u32, out: &mut Vec<&'static str>) {
    out.push("ping");
    if n > 0 {
        pong(n - 1, out);
    }
}

#[p]
pub fn pong(n: u32, out: &mut Vec<&'static str>) {
    out.push("pong");
    if n > 0 {
        pang(n - 1, out);
    }
}

#[p]
pub fn pang(n: u32, out: &mut Vec<&'static str>) {
    out.push("pang");
    if n > 0 {
        ping(n - 1, out);
    }
}

pub enum Tree {
    Leaf(u32),
    Node(Box<Tree>, Box<Tree>),
}

impl Tree {
    #[p]
    pub fn build(depth: u32, start: u32) -> Tree {
        if depth == 0 {
            return Tree::Leaf(start);
        }
        let left = Tree::build(depth - 1, start);
        let right = Tree::build(depth - 1, start + (1 << (depth - 1)));
        Tree::Node(Box::new(left), Box::new(right))
    }

    #[p]
    pub fn sum(&self) -> u32 {
        match self {
            Tree::Leaf(v) => *v,
            Tree::Node(l, r) => l.sum() + r.sum(),
        }
    }

    #[p]
    pub fn leaves(&self) -> Vec<u32> {
        let mut out = Vec::new();
        match self {
            Tree::Leaf(v) => out.push(*v),
            Tree::Node(l, r) => {
                out.extend(l.leaves());
                out.extend(r.leaves());
            }
        }
        out
    }
}

pub trait Countdown {
    fn count(&self, n: u32) -> Vec<u32>;
}

pub struct Counter;

impl Countdown for Counter {
    #[p]
    fn count(&self, n: u32) -> Vec<u32> {
        if n == 0 {
            return Vec::new();
        }
        let mut rest = self.count(n - 1);
        rest.push(n);
        rest
    }
}

#[p]
pub fn nested_debug<T: std::fmt::Debug>(x: &T, n: u32) -> String {
    if n == 0 {
        return format!("{x:?}");
    }
    let inner = nested_debug(x, n - 1);
    format!("[{inner}]")
}

#[p]
pub fn parse_nested(s: &str) -> Result<u32, String> {
    let Some(rest) = s.strip_prefix('(') else {
        return s.parse::<u32>().map_err(|e| e.to_string());
    };
    let inner = rest.strip_suffix(')').ok_or("unbalanced")?;
    let v = parse_nested(inner)?;
    Ok(v + 1)
}

#[p]
pub fn drops_at_every_level(n: u32) {
    let _level = D("level");
    if n == 0 {
        log("bottom");
        return;
    }
    drops_at_every_level(n - 1);
    log("back up");
}

#[p]
pub fn walk(n: u32, visit: &mut dyn FnMut(u32)) {
    visit(n);
    if n > 0 {
        walk(n - 1, visit);
        walk(n / 2, visit);
    }
}

#[p]
pub fn fib_memo(n: u64, memo: &mut BTreeMap<u64, u64>) -> u64 {
    if n < 2 {
        return n;
    }
    if let Some(v) = memo.get(&n) {
        return *v;
    }
    let v = fib_memo(n - 1, memo) + fib_memo(n - 2, memo);
    memo.insert(n, v);
    v
}

#[p]
pub fn hanoi(n: u32, from: u8, to: u8, via: u8, moves: &mut Vec<(u8, u8)>) {
    if n == 0 {
        return;
    }
    hanoi(n - 1, from, via, to, moves);
    moves.push((from, to));
    hanoi(n - 1, via, to, from, moves);
}

cases! { plain_recursion profiled_recursion;
    direct_recursion => {
        let v = both!(depth_sum: |m| m::depth_sum(3));
        assert_eq!(v, 4 + 3 + 2);
        both!(depth_sum: |m| m::depth_sum(0));
        both!(nested_debug: |m| m::nested_debug(&"x", 3));
        for s in ["((7))", "(x)", "((1)", "5"] {
            let _ = both!(parse_nested: |m| m::parse_nested(s));
        }
        both!(drops_at_every_level: |m| m::drops_at_every_level(3));
        both!(hanoi: |m| {
            let mut moves = Vec::with_capacity(64);
            call(|| m::hanoi(4, 1, 3, 2, &mut moves));
            moves
        });
    }
    mutual_recursion => {
        for n in [0, 1, 6, 7] {
            both!(is_even: |m| m::is_even(n));
            both!(is_odd: |m| m::is_odd(n));
        }
        both!(ping: |m| {
            let mut out = Vec::with_capacity(16);
            call(|| m::ping(7, &mut out));
            out
        });
    }
    recursion_through_boxes_traits_and_closures => {
        both!(build: |m| m::Tree::build(3, 0) => |t| t.leaves().len());
        both!(sum (m::Tree::build(3, 0)): |m, t| (call(|| t.sum()), t) => |(s, _)| s);
        both!(leaves (m::Tree::build(2, 5)): |m, t| (call(|| t.leaves()), t) => |(l, _)| l);
        both!(count: |m| {
            use m::Countdown as _;
            m::Counter.count(5)
        });
        both!(walk: |m| {
            let mut seen = Vec::with_capacity(64);
            call(|| m::walk(4, &mut |n| seen.push(n)));
            seen
        });
        both!(fib_memo: |m| {
            let mut memo = std::collections::BTreeMap::new();
            let v = call(|| m::fib_memo(20, &mut memo));
            (v, memo)
        });
    }
}
