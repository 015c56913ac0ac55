//! `if let` and `while let` chains (edition 2024 only): the chain's conditions, bindings and
//! `else if` chains keep their order and their values; a chain whose scrutinee awaits keeps
//! the user's edition in an `async fn`.

// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use corpus::{log, yield_now};

#[p]
pub fn if_let_chain(a: Option<u32>, s: &str) -> u32 {
    if let Some(x) = a
        && x > 2
        && let Ok(y) = s.parse::<u32>()
    {
        x * y
    } else if let Some(x) = a
        && x <= 2
    {
        log("if_let_chain small");
        x
    } else {
        0
    }
}

#[p]
pub fn while_let_chain(mut stack: Vec<u32>) -> (u32, Vec<u32>) {
    let mut sum = 0;
    while let Some(top) = stack.pop()
        && top != 0
    {
        sum += top;
    }
    (sum, stack)
}

#[p]
pub async fn awaited_let_chain(k: u32) -> u32 {
    if let Some(x) = ready_opt(k).await
        && x > 3
    {
        x + ready(1).await
    } else {
        ready(0).await
    }
}

async fn ready(x: u32) -> u32 {
    yield_now().await;
    x
}

async fn ready_opt(x: u32) -> Option<u32> {
    yield_now().await;
    Some(x)
}

cases! { plain_let_chains profiled_let_chains;
    let_chains => {
        for (a, s) in [(Some(3), "4"), (Some(3), "x"), (Some(1), "4"), (None, "4")] {
            both!(if_let_chain: |m| m::if_let_chain(a, s));
        }
        both!(while_let_chain (vec![5, 0, 3, 4]): |m, v| m::while_let_chain(v));
        both!(while_let_chain (vec![1, 2]): |m, v| m::while_let_chain(v));
        for k in [0, 3, 9] {
            both!(async awaited_let_chain: |m| m::awaited_let_chain(k));
        }
    }
}
