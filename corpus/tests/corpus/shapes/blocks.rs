//! Inner blocks with locals, whose closing brace is a row of its own (the block's mark, dropped
//! first when the block ends): loop bodies, block values, branches, arms, `if let` and
//! `while let` bodies, labeled blocks, `let`-`else` blocks, blocks in conditions, left by
//! `break`, `continue`, `?` and `return` before or inside their tail, tail temporaries that
//! borrow or lock the block's locals (edition 2024: dropped before them), braces sharing lines,
//! and awaits in a block's tail. The same values, drop order and allocations, and rows that add
//! up; the `}` rows' figures are checked in the root package's `tests/blocks.rs`.

// Shapes, not style.
#![allow(
    clippy::useless_vec,
    clippy::let_and_return,
    clippy::never_loop,
    clippy::manual_is_multiple_of,
    clippy::blocks_in_conditions
)]
// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use std::cell::RefCell;
use std::sync::Mutex;

use corpus::{D, log};

#[p]
pub fn loop_body_locals(n: u32) -> Vec<u64> {
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let _a = D("loop_body a");
        let tmp = vec![0u8; 100];
        out.push(tmp.len() as u64 + u64::from(i));
    }
    out
}

#[p]
pub fn block_value_tail_temp(k: u32) -> u32 {
    let n = {
        let _inner = D("block_value inner");
        let big = vec![0u8; 5000];
        D("block_value tail temp").pick(k) + big.len() as u32
    };
    log("block_value after");
    n
}

#[p]
pub fn block_tail_borrows_local() -> usize {
    let n = {
        let c = RefCell::new(vec![1, 2, 3]);
        // Edition 2024 only: the borrow (a tail temporary) is dropped before `c`.
        c.borrow().len()
    };
    n
}

#[p]
pub fn block_tail_locks_local(n: usize) -> (usize, bool) {
    let m = Mutex::new(0u8);
    let len = {
        let local = Mutex::new(vec![1u8; n]);
        let _held = m.lock().unwrap();
        local.lock().unwrap().len()
    };
    (len, m.try_lock().is_ok())
}

#[p]
pub fn branch_locals(k: u32) -> String {
    let s = if k % 2 == 0 {
        let _even = D("branch even");
        let v = vec![b'e'; k as usize];
        String::from_utf8(v).unwrap()
    } else if k > 4 {
        let _big = D("branch big");
        format!("{}", D("branch temp").pick(k))
    } else {
        let _odd = D("branch odd");
        String::new()
    };
    s
}

#[p]
pub fn arm_bindings(k: u32) -> usize {
    let item = if k > 0 {
        Some((D("arm binding"), vec![0u8; k as usize]))
    } else {
        None
    };
    match item {
        Some((_d, v)) if v.len() > 2 => {
            let _local = D("arm big local");
            v.len() * 10
        }
        Some((_d, v)) => {
            let _local = D("arm local");
            v.len()
        }
        None => {
            log("arm none");
            0
        }
    }
}

#[p]
pub fn if_let_and_while_let_bindings(n: usize) -> usize {
    let first = (n > 0).then(|| vec![D("if_let item")]);
    let mut total = 0;
    if let Some(v) = first {
        let _local = D("if_let local");
        total += v.len();
    }
    log("if_let after");
    let mut stack: Vec<Vec<u8>> = (0..n).map(|i| vec![0u8; i + 1]).collect();
    while let Some(item) = stack.pop() {
        let _d = D("while_let local");
        total += item.len();
    }
    total
}

#[p]
pub fn for_by_value(n: usize) -> usize {
    let items: Vec<(D, String)> = (0..n).map(|i| (D("for item"), "x".repeat(i))).collect();
    let mut total = 0;
    for (_d, s) in items {
        let _local = D("for local");
        total += s.len();
    }
    total
}

#[p]
pub fn labeled_block_exits(k: u32) -> u32 {
    let v = 'b: {
        let _a = D("labeled a");
        let buf = vec![0u8; 8];
        if k == 0 {
            break 'b 0;
        }
        let _c = D("labeled c");
        if k == 1 {
            break 'b 1;
        } else {
            buf.len() as u32 + k
        }
    };
    log("labeled after");
    v
}

#[p]
pub fn loop_break_value(n: u32) -> u32 {
    let mut i = 0;
    loop {
        let _d = D("loop_break d");
        let chunk = vec![0u8; 16];
        i += 1;
        if i % 2 == 0 {
            continue;
        }
        if i >= n {
            break chunk.len() as u32 + i;
        }
    }
}

#[p]
pub fn question_in_block_tail(a: &str) -> Result<usize, std::num::ParseIntError> {
    let _outer = D("question outer");
    let n = {
        let _inner = D("question inner");
        let buf = vec![0u8; 4];
        a.parse::<usize>()? + buf.len()
    };
    Ok(n)
}

#[p]
pub fn return_from_blocks(k: u32) -> u32 {
    let _outer = D("return outer");
    for i in 0..k {
        let _each = D("return each");
        if i == 2 {
            let _inner = D("return inner");
            return i;
        }
        if i == 3 {
            let _tail = D("return tail");
            return i + 10;
        }
    }
    k
}

#[p]
pub fn let_else_block(s: &str) -> u32 {
    let Some(n) = s.parse::<u32>().ok() else {
        let _d = D("let_else local");
        let msg = String::from("bad");
        return msg.len() as u32;
    };
    n
}

#[p]
pub fn block_in_condition(k: usize) -> usize {
    let mut n = 0;
    if {
        let t = vec![0u8; 3];
        t.len() > k
    } {
        n += 1;
    }
    while {
        let _d = D("while condition local");
        n < k
    } {
        n += 1;
    }
    n
}

#[rustfmt::skip]
#[p]
pub fn braces_sharing_lines(k: u32) -> u32 {
    let mut n = 0;
    for i in 0..k {
        if i % 2 == 0 {
            let v = vec![0u8; 4];
            n += v.len() as u32;
        } }
    let m = {
        let w = vec![1u8; 2];
        w.len() as u32
    }; let _after = D("braces after");
    let o = { let _x = D("braces one line"); let y = vec![2u8; 3]; y.len() as u32 };
    n + m + o
}

#[p]
pub async fn await_in_block_tail(n: usize) -> usize {
    let total = {
        let v = vec![0u8; n];
        corpus::yield_now().await;
        let _d = D("await inner");
        async { v.len() }.await
    };
    total
}

cases! { plain_blocks profiled_blocks;
    loop_bodies_and_block_values => {
        for n in [0, 1, 4] {
            both!(loop_body_locals: |m| m::loop_body_locals(n));
            both!(for_by_value: |m| m::for_by_value(n as usize));
            both!(if_let_and_while_let_bindings: |m| m::if_let_and_while_let_bindings(n as usize));
        }
        both!(block_value_tail_temp: |m| m::block_value_tail_temp(7));
        both!(block_tail_borrows_local: |m| m::block_tail_borrows_local());
        both!(block_tail_locks_local: |m| m::block_tail_locks_local(5));
    }
    branches_and_arms => {
        for k in [0, 1, 2, 3, 5, 6] {
            both!(branch_locals: |m| m::branch_locals(k));
            both!(arm_bindings: |m| m::arm_bindings(k));
        }
    }
    exits_from_blocks => {
        for k in [0, 1, 2, 5] {
            both!(labeled_block_exits: |m| m::labeled_block_exits(k));
            both!(return_from_blocks: |m| m::return_from_blocks(k));
        }
        for n in [1, 4, 5] {
            both!(loop_break_value: |m| m::loop_break_value(n));
        }
        for a in ["7", "x"] {
            let _ = both!(question_in_block_tail: |m| m::question_in_block_tail(a));
        }
        for s in ["12", "x"] {
            both!(let_else_block: |m| m::let_else_block(s));
        }
    }
    conditions_shared_lines_and_awaits => {
        for k in [0, 2, 5] {
            both!(block_in_condition: |m| m::block_in_condition(k));
            both!(braces_sharing_lines: |m| m::braces_sharing_lines(k as u32));
        }
        both!(async await_in_block_tail: |m| m::await_in_block_tail(6));
    }
}
