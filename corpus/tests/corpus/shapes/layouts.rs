//! Unusual layouts (not formatted, on purpose): statements on the signature's line, the last
//! statement on the closing brace's line, whole loops, matches and closures on one line, a body
//! that is only a comment, functions wrapped in other attribute macros (the profiler's tokens
//! then come re-emitted by another macro). The rows must still be the file's lines, add up, and
//! leave the lines that did not run empty.

// Shapes, not style.
#![allow(clippy::useless_vec, clippy::let_and_return)]
// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use corpus::{D, log};

#[rustfmt::skip]
#[p]
pub fn first_statement_on_the_signature_line(n: usize) -> usize { let v = vec![0u8; n];
    let w = vec![1u8; n];
    v.len() + w.len()
}

#[rustfmt::skip]
#[p]
pub fn last_statement_on_the_closing_line(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len() }

#[rustfmt::skip]
#[p]
pub fn tail_loop_on_the_closing_line(n: u32) -> u32 {
    let mut s = 0;
    for i in 0..n { s += i; } s }

#[rustfmt::skip]
#[p]
pub fn loops_on_one_line(n: u32) -> (u32, u32) {
    let mut s = 0; for i in 0..n { s += i; }
    let mut j = 0; while j < n { j += 1; }
    (s, j)
}

#[rustfmt::skip]
#[p]
pub fn match_on_one_line(k: u32) -> &'static str {
    let r = match k { 0 => "zero", 1 => { log("layout one"); "one" } _ => "many" };
    r
}

#[rustfmt::skip]
#[p]
pub fn if_else_chain_on_one_line(k: u32) -> Vec<u8> {
    let v = if k == 0 { vec![0u8; 4] } else if k == 1 { vec![1u8; 8] } else { Vec::new() };
    v
}

#[rustfmt::skip]
#[p]
pub fn nested_blocks_across_lines(k: u32) -> u32 {
    let x = {
        let _d = D("layout inner"); let y = k + 1;
        {
            let z = y * 2;
            z
        }
    }; log("layout after block");
    x
}

#[rustfmt::skip]
#[p]
pub fn closure_on_one_line(n: u32) -> u32 {
    let f = |x: u32| -> u32 { let v = vec![x; 2]; v.iter().sum() }; f(n) + f(1)
}

#[rustfmt::skip]
#[p]
pub fn only_a_comment() {
    // Nothing to do.
}

#[rustfmt::skip]
#[p]
pub fn blank_lines_and_comments(n: usize) -> usize {

    // A comment line.
    let v = vec![0u8; n];

    /* A block comment
       over two lines. */
    let w = v.len();
    // Another.

    w
}

#[p]
#[corpus::noop]
pub fn under_another_attribute_macro(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

#[corpus::noop]
#[p]
pub fn over_another_attribute_macro(n: usize) -> usize {
    let v = vec![0u8; n];
    let w = v.repeat(2);
    w.len()
}

#[rustfmt::skip]
#[p]
#[allow(redundant_semicolons)] // the shape under test
pub fn semicolons_and_empty_statements(n: u32) -> u32 {
    let a = n + 1;;
    ;
    let b = a * 2; ;
    b
}

cases! { plain_layouts profiled_layouts;
    statements_sharing_the_signature_or_closing_line => {
        both!(first_statement_on_the_signature_line: |m| m::first_statement_on_the_signature_line(8));
        both!(last_statement_on_the_closing_line: |m| m::last_statement_on_the_closing_line(8));
        for n in [0, 3] {
            both!(tail_loop_on_the_closing_line: |m| m::tail_loop_on_the_closing_line(n));
        }
    }
    whole_constructs_on_one_line => {
        for n in [0, 4] {
            both!(loops_on_one_line: |m| m::loops_on_one_line(n));
        }
        for k in [0, 1, 2] {
            both!(match_on_one_line: |m| m::match_on_one_line(k));
            both!(if_else_chain_on_one_line: |m| m::if_else_chain_on_one_line(k));
        }
        both!(nested_blocks_across_lines: |m| m::nested_blocks_across_lines(3));
        both!(closure_on_one_line: |m| m::closure_on_one_line(5));
    }
    comments_blank_lines_and_empty_statements => {
        both!(only_a_comment: |m| m::only_a_comment());
        both!(blank_lines_and_comments: |m| m::blank_lines_and_comments(6));
        both!(semicolons_and_empty_statements: |m| m::semicolons_and_empty_statements(2));
    }
    other_attribute_macros => {
        both!(under_another_attribute_macro: |m| m::under_another_attribute_macro(5));
        both!(over_another_attribute_macro: |m| m::over_another_attribute_macro(5));
    }
}
