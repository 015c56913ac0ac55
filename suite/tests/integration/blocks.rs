//! The closing braces of inner blocks: what a block's locals free when it ends is charged to
//! its own `}` row (a loop body's once per iteration, an arm's or a branch's when it ran), not
//! to its last statement. Exact figures, on the calling thread (line numbers do not matter
//! here: rows are named by their text).

// `vec!`s made to allocate are what is tested.
#![allow(clippy::useless_vec, clippy::let_and_return)]

use memory_profiler::{capture, profile, Report};

/// The rows that ran after the attribute's: (trimmed text, increment, occurrences).
fn ran(report: &Report) -> Vec<(&'static str, i64, u64)> {
    report.rows()[1..]
        .iter()
        .filter(|row| row.ran())
        .map(|row| (row.text.trim(), row.increment, row.occurrences))
        .collect()
}

fn report_of<T>(name: &str, f: impl FnOnce() -> T) -> (T, Report) {
    let (value, reports) = capture(f);
    let report = reports.function(name).expect(name).clone();
    (value, report)
}

#[profile(unit = "B")]
fn loop_drop() -> Vec<u64> {
    let mut out = Vec::with_capacity(4);
    for i in 0..4 {
        let tmp = vec![0u8; 100];
        out.push(tmp.len() as u64 + i);
    }
    out
}

#[test]
fn a_loop_body_closes_once_per_iteration() {
    let (out, report) = report_of("loop_drop", loop_drop);
    assert_eq!(out, [100, 101, 102, 103]);
    assert_eq!(
        ran(&report),
        [
            ("let mut out = Vec::with_capacity(4);", 32, 1),
            ("for i in 0..4 {", 0, 5),
            ("let tmp = vec![0u8; 100];", 400, 4),
            ("out.push(tmp.len() as u64 + i);", 0, 4),
            ("}", -400, 4),
            ("out", 0, 1),
            ("}", 0, 1),
        ],
        "{report}"
    );
}

#[profile(unit = "B")]
fn block_expression() -> usize {
    let n = {
        let big = vec![0u8; 5000];
        big.len()
    };
    n
}

#[test]
fn a_block_expression_closes_on_its_brace() {
    let (n, report) = report_of("block_expression", block_expression);
    assert_eq!(n, 5000);
    assert_eq!(
        ran(&report),
        [
            ("let n = {", 0, 1),
            ("let big = vec![0u8; 5000];", 5000, 1),
            ("big.len()", 0, 1),
            ("};", -5000, 1),
            ("n", 0, 1),
            ("}", 0, 1),
        ],
        "{report}"
    );
    // The peak of the block is on the line that allocated, not on its brace.
    assert_eq!(report.line_containing("let big").unwrap().peak, 5000);
    assert_eq!(report.line_containing("};").unwrap().peak, 0);
}

#[profile(unit = "B")]
fn branches(k: u32) -> usize {
    let mut n = 0;
    if k > 0 {
        let a = vec![0u8; 10];
        n += a.len();
    } else {
        let b = vec![0u8; 20];
        n += b.len();
    }
    match k {
        0 => {
            let c = vec![0u8; 30];
            n += c.len();
        }
        _ => {
            let d = vec![0u8; 40];
            n += d.len();
        }
    }
    {
        let scratch = vec![0u8; 64];
        n += scratch.len();
    }
    n
}

#[test]
fn branches_arms_and_plain_blocks_close_when_they_ran() {
    let (n, report) = report_of("branches", || branches(1));
    assert_eq!(n, 114);
    assert_eq!(
        ran(&report),
        [
            ("let mut n = 0;", 0, 1),
            ("if k > 0 {", 0, 1),
            ("let a = vec![0u8; 10];", 10, 1),
            ("n += a.len();", 0, 1),
            // The then-block's `}` shares its line with `else {`.
            ("} else {", -10, 1),
            ("match k {", 0, 1),
            ("let d = vec![0u8; 40];", 40, 1),
            ("n += d.len();", 0, 1),
            ("}", -40, 1),
            ("{", 0, 1),
            ("let scratch = vec![0u8; 64];", 64, 1),
            ("n += scratch.len();", 0, 1),
            ("}", -64, 1),
            ("n", 0, 1),
            ("}", 0, 1),
        ],
        "{report}"
    );
    let (n, report) = report_of("branches", || branches(0));
    assert_eq!(n, 114);
    let closing = |text: &str| {
        let rows = report.rows();
        let at = rows.iter().position(|r| r.text.contains(text)).unwrap();
        let brace = &rows[at + 2];
        assert_eq!(brace.text.trim(), "}", "{report}");
        (brace.increment, brace.occurrences)
    };
    assert_eq!(closing("let b = "), (-20, 1), "{report}");
    assert_eq!(closing("let c = "), (-30, 1), "{report}");
    assert_eq!(closing("let d = "), (0, 0), "{report}");
    assert_eq!(report.line_containing("} else {").unwrap().occurrences, 0);
}

#[profile(unit = "B")]
fn consume(words: &[&str]) -> usize {
    let strings: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let mut total = 0;
    for s in strings {
        total += s.len();
    }
    let mut stack = vec![vec![0u8; 10], vec![0u8; 20]];
    while let Some(item) = stack.pop() {
        total += item.len();
    }
    total
}

#[test]
fn pattern_bindings_drop_on_the_closing_brace() {
    let (total, report) = report_of("consume", || consume(&["ab", "cde"]));
    assert_eq!(total, 35);
    assert_eq!(
        ran(&report),
        [
            // Two strings of 24 bytes, and their 2 + 3 bytes.
            (
                "let strings: Vec<String> = words.iter().map(|w| w.to_string()).collect();",
                53,
                1
            ),
            ("let mut total = 0;", 0, 1),
            // The loop's iterator frees the vector's buffer when the loop ends.
            ("for s in strings {", -48, 3),
            ("total += s.len();", 0, 2),
            // Each `s` is dropped at the end of its iteration.
            ("}", -5, 2),
            ("let mut stack = vec![vec![0u8; 10], vec![0u8; 20]];", 78, 1),
            ("while let Some(item) = stack.pop() {", 0, 3),
            ("total += item.len();", 0, 2),
            ("}", -30, 2),
            ("total", 0, 1),
            ("}", -48, 1),
        ],
        "{report}"
    );
}

#[rustfmt::skip] // the `return` stays the block's tail, without `;`
#[profile(unit = "B")]
fn exits(k: u32) -> usize {
    let outer = vec![0u8; 100];
    let mut n = 0;
    for i in 0..4 {
        let v = vec![0u8; 10];
        if i % 2 == 1 {
            continue;
        }
        n += v.len();
    }
    if k > 0 {
        let inner = vec![0u8; 1];
        return inner.len() + outer.len() + n
    }
    outer.len() + n
}

#[test]
fn exits_before_the_brace_leave_the_drops_where_they_left() {
    let (n, report) = report_of("exits", || exits(1));
    assert_eq!(n, 121);
    assert_eq!(
        ran(&report),
        [
            ("let outer = vec![0u8; 100];", 100, 1),
            ("let mut n = 0;", 0, 1),
            ("for i in 0..4 {", 0, 5),
            ("let v = vec![0u8; 10];", 40, 4),
            ("if i % 2 == 1 {", 0, 4),
            // `continue` leaves the body before its end: `v` is dropped on its line.
            ("continue;", -20, 2),
            ("n += v.len();", 0, 2),
            ("}", -20, 2),
            ("if k > 0 {", 0, 1),
            ("let inner = vec![0u8; 1];", 1, 1),
            ("return inner.len() + outer.len() + n", 0, 1),
            // The function returns: every local, the inner block's too, goes to its `}`.
            ("}", -101, 1),
        ],
        "{report}"
    );
}

#[rustfmt::skip]
#[profile(unit = "B")]
fn shared_lines() -> usize {
    let mut n = 0;
    for i in 0..3 {
        let v = vec![0u8; 8]; n += v.len() + i; }
    let m = {
        let w = vec![0u8; 16];
        w.len()
    }; let x = vec![0u8; 4];
    n + m + x.len()
}

#[test]
fn a_brace_sharing_its_line_shares_its_row() {
    let (n, report) = report_of("shared_lines", shared_lines);
    assert_eq!(n, 47);
    assert_eq!(
        ran(&report),
        [
            ("let mut n = 0;", 0, 1),
            ("for i in 0..3 {", 0, 4),
            // Code before the `}`: the line's row gets the drops, one occurrence a pass.
            ("let v = vec![0u8; 8]; n += v.len() + i; }", 0, 3),
            ("let m = {", 0, 1),
            ("let w = vec![0u8; 16];", 16, 1),
            ("w.len()", 0, 1),
            // Code after the `}`: one row, one occurrence, for the drops and the statement.
            ("}; let x = vec![0u8; 4];", -12, 1),
            ("n + m + x.len()", 0, 1),
            ("}", -4, 1),
        ],
        "{report}"
    );
    assert_eq!(report.line_containing("let v = ").unwrap().peak, 8);
}
