//! Control flow: `?` on `Result` and `Option` (with `From` conversions, in loops, in loop
//! heads, in chains), early returns from inside nested loops and match arms, labeled
//! `break`/`continue` across three loops, loop values and labeled blocks, `let`-`else`, `if let`
//! chains and `while let` chains (edition 2024), match guards with side effects, bindings,
//! or-patterns, shadowing.

// Shapes, not style: `let x = ..; x` tails and `vec!`s made to allocate are what is tested.
#![allow(clippy::let_and_return, clippy::useless_vec)]
// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use std::cell::Cell;
// In the prelude from edition 2021 on.
#[allow(unused_imports)]
use std::convert::TryFrom;
use std::num::ParseIntError;

use corpus::{D, log};

#[p]
pub fn parse_sum(a: &str, b: &str) -> Result<i32, ParseIntError> {
    let _local = D("parse_sum local");
    let x: i32 = a.parse()?;
    let y: i32 = b.trim().parse()?;
    Ok(x + y)
}

#[p]
pub fn boxed_error(a: &str) -> Result<u8, Box<dyn std::error::Error>> {
    let n: u32 = a.parse()?;
    let small = u8::try_from(n)?;
    Ok(small)
}

#[p]
pub fn ends(v: &[u32]) -> Option<u32> {
    let first = v.first()?;
    let last = v.last()?;
    Some(first * 100 + last)
}

#[derive(Debug, PartialEq)]
pub enum MyError {
    Parse(String),
    TooBig(u32),
}

impl From<ParseIntError> for MyError {
    fn from(e: ParseIntError) -> Self {
        MyError::Parse(e.to_string())
    }
}

#[p]
pub fn convert(s: &str) -> Result<u8, MyError> {
    let n: u32 = s.trim().parse()?;
    if n > 255 {
        return Err(MyError::TooBig(n));
    }
    Ok(n as u8)
}

#[p]
pub fn parse_all(xs: &[&str]) -> Result<Vec<u32>, ParseIntError> {
    let mut out = Vec::with_capacity(xs.len());
    for x in xs {
        let _each = D("parse_all each");
        out.push(x.parse()?);
    }
    Ok(out)
}

#[p]
pub fn question_in_head(xs: &[&str]) -> Result<u32, ParseIntError> {
    let mut sum = 0;
    for x in xs
        .iter()
        .map(|s| s.parse::<u32>())
        .collect::<Result<Vec<_>, _>>()?
    {
        sum += x;
    }
    Ok(sum)
}

#[p]
pub fn second_char(s: &str) -> Option<char> {
    s.split(',').nth(1)?.trim().chars().next()
}

#[p]
pub fn question_in_while(xs: &[&str]) -> Option<u32> {
    let mut i = 0;
    let mut acc = 0;
    while xs.get(i)?.parse::<u32>().ok()? > 0 {
        acc += 1;
        i += 1;
    }
    Some(acc)
}

#[p]
pub fn early_return(x: i32) -> &'static str {
    let _a = D("early_return a");
    if x < 0 {
        return "negative";
    }
    let _b = D("early_return b");
    if x == 0 {
        log("early_return zero");
        return "zero";
    }
    "positive"
}

#[p]
pub fn find(grid: &[Vec<i32>], target: i32) -> Option<(usize, usize)> {
    let _local = D("find local");
    for (i, row) in grid.iter().enumerate() {
        let mut j = 0;
        while j < row.len() {
            match row[j] {
                v if v == target => return Some((i, j)),
                v if v < 0 => {
                    log("find negative");
                    return None;
                }
                _ => {}
            }
            j += 1;
        }
    }
    log("find not found");
    None
}

#[p]
pub fn find_triple(n: u32, target: u32) -> Option<(u32, u32, u32)> {
    let buf = vec![0u8; 16];
    for a in 0..n {
        let mut b = 0;
        while b < n {
            let mut c = 0;
            loop {
                if c >= n {
                    break;
                }
                if a * 100 + b * 10 + c == target {
                    log("find_triple found");
                    return Some((a, b, c + buf.len() as u32 - 16));
                }
                c += 1;
            }
            b += 1;
        }
    }
    None
}

#[p]
pub fn labeled(n: u32) -> Vec<u32> {
    let mut out = Vec::new();
    'outer: for i in 0..n {
        let mut j = 0;
        'mid: while j < n {
            j += 1;
            let mut k = 0;
            'inner: loop {
                k += 1;
                if k > 3 {
                    break 'inner;
                }
                if (i + j + k) % 5 == 0 {
                    continue 'mid;
                }
                if i * j * k == 12 {
                    continue 'outer;
                }
                if i + j + k > 2 * n {
                    break 'outer;
                }
                out.push(i * 100 + j * 10 + k);
            }
        }
    }
    out
}

#[p]
#[allow(clippy::never_loop)] // a loop left by a labeled break from a `for` inside it
pub fn loop_values(xs: &[u32]) -> (u32, &'static str, u32) {
    let mut i = 0;
    let found = loop {
        if i >= xs.len() {
            break None;
        }
        if xs[i] > 10 {
            break Some(xs[i]);
        }
        i += 1;
    };
    let label = 'blk: {
        if found.is_none() {
            break 'blk "none";
        }
        "some"
    };
    let nested = 'outer: loop {
        for x in xs {
            if *x == 7 {
                break 'outer *x * 2;
            }
        }
        break 0;
    };
    (found.unwrap_or(0), label, nested)
}

#[p]
pub fn labeled_block_drops(k: u32) -> u32 {
    let _outer = D("labeled_block outer");
    let v = 'b: {
        let _inner = D("labeled_block inner");
        if k == 0 {
            break 'b 10;
        }
        let _late = D("labeled_block late");
        if k == 1 {
            break 'b 20;
        }
        30
    };
    log("labeled_block after");
    v + k
}

#[p]
pub fn break_in_value_position(k: u32) -> u32 {
    let mut acc = 0;
    for i in 0..k {
        acc += match i % 4 {
            0 => 1,
            1 => D("break_in_value temp").pick(10),
            2 => continue,
            _ => break,
        };
    }
    acc
}

#[p]
pub fn let_else(s: &str) -> Result<u32, String> {
    let Some((a, b)) = s.split_once(',') else {
        return Err(format!("no comma in {s:?}"));
    };
    let Ok(a) = a.trim().parse::<u32>() else {
        return Err(String::from("bad left"));
    };
    let Ok(b) = b.trim().parse::<u32>() else {
        log("let_else bad right");
        return Err(String::from("bad right"));
    };
    Ok(a * b)
}

#[p]
pub fn let_else_diverging(s: &str) -> u32 {
    let _local = D("let_else_diverging local");
    let Ok(n) = s.parse::<u32>() else {
        panic!("not a number: {:?}", s);
    };
    let Some(half) = n.checked_div(2) else {
        unreachable!()
    };
    half
}

#[p]
pub fn let_else_in_loop(xs: &[Option<u32>]) -> u32 {
    let mut sum = 0;
    for x in xs {
        let Some(v) = x else {
            log("let_else_in_loop skip");
            continue;
        };
        let 0..=99 = *v else {
            break;
        };
        sum += v;
    }
    sum
}

#[p]
pub fn guards(xs: &[i32]) -> (Vec<&'static str>, u32) {
    let calls = Cell::new(0);
    let mut out = Vec::with_capacity(xs.len());
    for &x in xs {
        let tag = match x {
            v if {
                calls.set(calls.get() + 1);
                log("guard negative?");
                v < 0
            } =>
            {
                "negative"
            }
            v if {
                calls.set(calls.get() + 1);
                log("guard even?");
                v % 2 == 0
            } =>
            {
                "even"
            }
            _ => "odd",
        };
        out.push(tag);
    }
    (out, calls.get())
}

#[p]
pub fn guard_with_mut_binding(mut v: Option<u32>, bump: bool) -> Option<u32> {
    match v {
        Some(ref mut x) if bump => {
            *x += 1;
            log("guard_with_mut bumped");
        }
        Some(_) => log("guard_with_mut kept"),
        None => {}
    }
    v
}

#[p]
pub fn bindings_and_or_patterns(x: u32) -> String {
    let kind = match x {
        0 => String::from("zero"),
        n @ (1 | 3 | 7) => format!("odd {n}"),
        n @ 4..=9 if n % 2 == 0 => format!("even digit {n}"),
        4..=9 => String::from("odd digit"),
        _ => String::from("large"),
    };
    kind
}

#[p]
pub fn nested_match_return(a: Option<Result<u32, String>>) -> u32 {
    let v = match a {
        Some(inner) => match inner {
            Ok(0) => return 100,
            Ok(n) => n,
            Err(e) => {
                log("nested_match err");
                return e.len() as u32;
            }
        },
        None => 0,
    };
    v + 1
}

#[p]
pub fn classify(x: Option<i32>) -> &'static str {
    if let Some(v) = x {
        if v < 0 {
            "negative"
        } else if v == 0 {
            "zero"
        } else if let 1..=9 = v {
            "digit"
        } else {
            "large"
        }
    } else {
        "none"
    }
}

#[p]
pub fn diverging_branch(x: u32) -> u32 {
    let _local = D("diverging_branch local");
    let y: u32 = if x > 0 { x } else { return 0 };
    let z = match y {
        1 => 10,
        n if n > 100 => return n,
        n => n * 2,
    };
    z + 1
}

#[p]
pub fn shadowing(x: u32) -> String {
    let x = x + 1;
    let x = x.to_string();
    let x = {
        let x = x.len();
        x * 10
    };
    let _d = D("shadowing first");
    let _d = D("shadowing second");
    format!("{x}!")
}

#[p]
pub fn while_with_continue(n: u32) -> (u32, u32) {
    let mut i = 0;
    let mut odd = 0;
    while {
        i += 1;
        i <= n
    } {
        if i % 2 == 0 {
            continue;
        }
        odd += i;
    }
    (odd, i)
}

#[p]
#[allow(clippy::needless_return)] // the shape under test
pub fn tail_return(x: u32) -> u32 {
    let _local = D("tail_return local");
    let y = x + 1;
    return y * 2;
}

#[p]
pub fn bare_return(flag: bool) {
    let _local = D("bare_return local");
    if flag {
        return;
    }
    log("bare_return went on");
}

#[p]
pub fn return_from_loop_in_match(xs: &[u32]) -> u32 {
    let mut it = xs.iter();
    loop {
        match it.next() {
            Some(&x) if x > 2 => {
                for y in 0..x {
                    if y == 3 {
                        return x * 10 + y;
                    }
                }
                break x;
            }
            Some(_) => continue,
            None => break 0,
        }
    }
}

#[p]
#[allow(clippy::while_let_on_iterator)] // the shape under test
pub fn labeled_continue_from_while_let(rows: &[&[u32]]) -> Vec<u32> {
    let mut out = Vec::with_capacity(8);
    let mut it = rows.iter();
    'rows: while let Some(row) = it.next() {
        for &x in row.iter() {
            if x == 0 {
                continue 'rows;
            }
            if x == 99 {
                break 'rows;
            }
            out.push(x);
        }
    }
    out
}

#[p]
pub fn unit_return_value(flag: bool) {
    if flag {
        return log("unit_return early");
    }
    log("unit_return late");
}

#[p]
pub fn assign_ops_and_tuples(n: u32) -> (u32, u32) {
    let (mut a, mut b) = (0, 1);
    for _ in 0..n {
        (a, b) = (b, a + b);
    }
    let [x, y] = [a, b];
    (x, y)
}

cases! { plain_control profiled_control;
    question_mark => {
        for (a, b) in [("1", " 2"), ("x", "2"), ("1", "y")] {
            let _ = both!(parse_sum: |m| m::parse_sum(a, b));
        }
        for a in ["7", "300", "x"] {
            let _ = both!(boxed_error: |m| m::boxed_error(a) => |r| r.map_err(|e| e.to_string()));
        }
        for v in [&[][..], &[4][..], &[1, 2, 3][..]] {
            both!(ends: |m| m::ends(v));
        }
        for s in ["12", " 300", "x"] {
            both!(convert: |m| m::convert(s) => shown);
        }
    }
    question_mark_in_loops_and_chains => {
        for xs in [&["1", "2"][..], &["1", "x", "3"][..]] {
            let _ = both!(parse_all: |m| m::parse_all(xs));
            let _ = both!(question_in_head: |m| m::question_in_head(xs));
        }
        for s in ["a, b", "a", "a,", "a,  "] {
            both!(second_char: |m| m::second_char(s));
        }
        for xs in [&["1", "2", "0"][..], &["1", "x"][..], &["3"][..]] {
            both!(question_in_while: |m| m::question_in_while(xs));
        }
    }
    early_returns => {
        for x in [-1, 0, 1] {
            both!(early_return: |m| m::early_return(x));
        }
        let grid = vec![vec![1, 2, 3], vec![4, 5, 6], vec![7, -1, 9]];
        for target in [5, 9, 8, 1] {
            both!(find: |m| m::find(&grid, target));
        }
        for target in [0, 123, 245, 999] {
            both!(find_triple: |m| m::find_triple(3, target));
        }
        for xs in [&[1, 5, 2][..], &[1, 2][..], &[3][..], &[][..]] {
            both!(return_from_loop_in_match: |m| m::return_from_loop_in_match(xs));
        }
        for x in [0, 1, 5, 200] {
            both!(diverging_branch: |m| m::diverging_branch(x));
        }
        both!(tail_return: |m| m::tail_return(4));
        for flag in [true, false] {
            both!(bare_return: |m| m::bare_return(flag));
            both!(unit_return_value: |m| m::unit_return_value(flag));
        }
    }
    labels_and_loop_values => {
        for n in [0, 1, 3, 4, 6] {
            both!(labeled: |m| m::labeled(n));
        }
        for xs in [&[1, 2, 3][..], &[7, 20][..], &[][..], &[1, 7, 12][..]] {
            both!(loop_values: |m| m::loop_values(xs));
        }
        for k in [0, 1, 2] {
            both!(labeled_block_drops: |m| m::labeled_block_drops(k));
        }
        for k in [0, 2, 3, 6] {
            both!(break_in_value_position: |m| m::break_in_value_position(k));
        }
        let rows: [&[u32]; 4] = [&[1, 2], &[3, 0, 4], &[5], &[6, 99, 7]];
        both!(labeled_continue_from_while_let: |m| m::labeled_continue_from_while_let(&rows));
        both!(labeled_continue_from_while_let: |m| m::labeled_continue_from_while_let(&rows[..3]));
    }
    let_else => {
        for s in ["2,3", "23", "x,3", "2,y"] {
            let _ = both!(let_else: |m| m::let_else(s));
        }
        both!(let_else_diverging: |m| m::let_else_diverging("8"));
        both!(panic let_else_diverging: |m| m::let_else_diverging("x"));
        let xs = [Some(1), None, Some(2), Some(100), Some(3)];
        both!(let_else_in_loop: |m| m::let_else_in_loop(&xs));
    }
    match_guards_bindings_patterns => {
        let xs = [-1, 2, 3, -4, 6];
        let (tags, calls) = both!(guards: |m| m::guards(&xs));
        assert_eq!((tags, calls), (vec!["negative", "even", "odd", "negative", "even"], 8));
        for (v, bump) in [(Some(1), true), (Some(1), false), (None, true)] {
            both!(guard_with_mut_binding: |m| m::guard_with_mut_binding(v, bump));
        }
        for x in [0, 2, 4, 5, 8, 40] {
            both!(bindings_and_or_patterns: |m| m::bindings_and_or_patterns(x));
        }
        both!(nested_match_return (Some(Ok(0))): |m, a| m::nested_match_return(a));
        both!(nested_match_return (Some(Ok(5))): |m, a| m::nested_match_return(a));
        // The error's string is freed after the report: `a` is a by-value argument.
        both!(nested_match_return [unbalanced] (Some(Err(String::from("bad")))):
            |m, a| m::nested_match_return(a));
        both!(nested_match_return (None): |m, a| m::nested_match_return(a));
        for x in [None, Some(-3), Some(0), Some(4), Some(40)] {
            both!(classify: |m| m::classify(x));
        }
    }
    shadowing_and_loops => {
        let s = both!(shadowing: |m| m::shadowing(99));
        assert_eq!(s, "30!");
        for n in [0, 1, 6] {
            both!(while_with_continue: |m| m::while_with_continue(n));
            both!(assign_ops_and_tuples: |m| m::assign_ops_and_tuples(n));
        }
    }
}
