//! The baseline model's unit tests: the file read back, damaged files, tolerances, statement
//! matching (comments, moves, equal statements) and which functions are gated.

use super::compare::statement_key;
use super::*;

fn line(line: u32, text: &str, bytes: u64) -> SnapshotLine {
    SnapshotLine::new(
        line,
        text,
        Figures::new(bytes, u64::from(bytes > 0), bytes as i64),
    )
}

fn function(name: &str, first: u32, lines: Vec<SnapshotLine>) -> SnapshotFunction {
    let bytes = lines.iter().map(|l| l.figures.bytes).sum();
    let allocations = lines.iter().map(|l| l.figures.allocations).sum();
    let peak = lines.iter().map(|l| l.figures.peak).max().unwrap_or(0);
    SnapshotFunction::new(
        name,
        "tests/t.rs",
        first,
        1,
        Figures::new(bytes, allocations, peak),
        lines,
    )
}

fn sample() -> Snapshot {
    Snapshot::new(vec![
        function(
            "work",
            10,
            vec![
                line(12, "let v: Vec<u64> = (0..1000).collect();", 8000),
                line(13, "let w = helper(10);", 10),
                line(14, "v.len() + w", 0),
                line(15, "}", 0),
            ],
        ),
        function(
            "helper",
            2,
            vec![
                line(4, "vec![0u8; n].len() // the buffer", 10),
                line(5, "}", 0),
            ],
        ),
    ])
}

#[test]
fn the_file_is_sorted_and_reads_back() {
    let snapshot = sample();
    let text = snapshot.to_string();
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        rows,
        [
            "version 1",
            "`helper` calls=1 bytes=10 allocs=1 peak=10 | tests/t.rs:2",
            "`helper` @2 bytes=10 allocs=1 peak=10 | vec![0u8; n].len() // the buffer",
            "`helper` @3 bytes=0 allocs=0 peak=0 | }",
            "`work` calls=1 bytes=8_010 allocs=2 peak=8_000 | tests/t.rs:10",
            "`work` @2 bytes=8_000 allocs=1 peak=8_000 | let v: Vec<u64> = (0..1000).collect();",
            "`work` @3 bytes=10 allocs=1 peak=10 | let w = helper(10);",
            "`work` @4 bytes=0 allocs=0 peak=0 | v.len() + w",
            "`work` @5 bytes=0 allocs=0 peak=0 | }",
        ]
    );
    assert_eq!(Snapshot::parse(&text), Ok(snapshot));
}

#[test]
fn damaged_files_say_where() {
    let good = sample().to_string();
    let cases = [
        ("", "line 1: no `version 1` line"),
        (
            "version 2\n",
            "line 1: the file is in format 2, and this memory-profiler reads format 1",
        ),
        (
            "`work` calls=1 bytes=0 allocs=0 peak=0 | a.rs:1\n",
            "line 1: expected `version 1` before any row",
        ),
        (
            "version 1\n`work` @2 bytes=1 allocs=0 peak=0 | x\n",
            "line 2: the line of `work` comes before",
        ),
        (
            "version 1\n`work` calls=1 bytes=x allocs=0 peak=0 | a.rs:1\n",
            "line 2: `bytes=x` is not a number",
        ),
        (
            "version 1\n`work` calls=1 bytes=1 allocs=0 | a.rs:1\n",
            "line 2: a row of `work` needs `bytes=`",
        ),
        (
            "version 1\n`work` calls=1 bytes=1 allocs=0 peak=0 size=3 | a.rs:1\n",
            "line 2: unknown field `size`",
        ),
        (
            "version 1\n`work` calls=1 bytes=1 allocs=0 peak=0 | a.rs\n",
            "line 2: a function's row ends with ` | FILE:LINE`",
        ),
        (
            "version 1\nwork calls=1\n",
            "line 2: expected a row starting with a function's name in backticks",
        ),
        (
            "version 1\n`work calls=1\n",
            "line 2: the function's name has no closing backtick",
        ),
        (
            "version 1\n`work` calls=1 bytes=1 allocs=0 peak=0\n",
            "line 2: the row of `work` has no ` | `",
        ),
        (
            "version 1\n`work` calls=-1 bytes=1 allocs=0 peak=0 | a.rs:1\n",
            "line 2: `calls=-1` is out of range",
        ),
    ];
    for (text, expected) in cases {
        let err = Snapshot::parse(text).unwrap_err().to_string();
        assert!(err.starts_with(expected), "{text:?}: {err}");
    }
    // A truncated file is read as far as it goes: a row cut in its middle fails.
    let cut = &good[..good.len() - 20];
    assert!(Snapshot::parse(cut).is_err());
}

#[test]
fn tolerances() {
    use Figure::*;
    assert_eq!(Tolerance::parse("+5%", Bytes), Ok(Tolerance::Percent(5.0)));
    assert_eq!(
        Tolerance::parse(" + 2.5 % ", Peak),
        Ok(Tolerance::Percent(2.5))
    );
    assert_eq!(
        Tolerance::parse("+0", Allocations),
        Ok(Tolerance::Amount(0))
    );
    assert_eq!(
        Tolerance::parse("+1_000", Allocations),
        Ok(Tolerance::Amount(1000))
    );
    assert_eq!(Tolerance::parse("+100", Bytes), Ok(Tolerance::Amount(100)));
    assert_eq!(
        Tolerance::parse("+1 KiB", Bytes),
        Ok(Tolerance::Amount(1024))
    );
    assert_eq!(
        Tolerance::parse("+1.5 MB", Peak),
        Ok(Tolerance::Amount(1_500_000))
    );
    let err = |text, figure| Tolerance::parse(text, figure).unwrap_err();
    assert!(err("5%", Bytes).contains("(did you mean \"+5%\"?)"));
    assert!(err("-5%", Bytes).contains("is how much the bytes allocated may grow"));
    assert!(err("+1 KiB", Allocations).contains("whole number of allocations"));
    assert!(err("+1 kb", Bytes).contains("unknown unit \"kb\""));
    assert!(err("+%", Bytes).contains("not a percentage"));
    assert!(err("+0.5 B", Bytes).contains("not a whole number of bytes"));
    assert_eq!(Tolerance::Percent(5.0).most(1_200), 1_260);
    assert_eq!(Tolerance::Percent(5.0).most(10), 10); // 0.5 rounds down
    assert_eq!(Tolerance::Percent(50.0).most(0), 0);
    assert_eq!(Tolerance::Amount(3).most(10), 13);
    assert_eq!(Tolerance::Percent(2.5).describe(Bytes), "+2.5%");
    assert_eq!(Tolerance::Amount(1024).describe(Peak), "+1,024 B");
    assert_eq!(Tolerance::Amount(2).describe(Allocations), "+2");
}

#[test]
fn statement_keys_ignore_spacing_and_trailing_comments() {
    assert_eq!(statement_key("  let  v = 1;   // one"), "let v = 1;");
    assert_eq!(
        statement_key(r#"let s = "a // b"; // c"#),
        r#"let s = "a // b";"#
    );
    assert_eq!(statement_key(r#"let q = '"'; // c"#), r#"let q = '"';"#);
    assert_eq!(
        statement_key(r#"let e = "\"//"; // c"#),
        r#"let e = "\"//";"#
    );
}

#[test]
fn a_comment_above_the_function_changes_nothing() {
    let old = sample();
    let mut moved = sample();
    for f in &mut moved.functions {
        f.first_line += 3;
        for l in &mut f.lines {
            l.line += 3;
        }
    }
    let comparison = old.compare(&moved, &Tolerances::default());
    assert!(comparison.is_unchanged());
    assert!(!comparison.regressed());
}

#[test]
fn moved_added_and_removed_lines() {
    let old = Snapshot::new(vec![function(
        "work",
        10,
        vec![
            line(11, "let a = vec![0u8; 100];", 100),
            line(12, "let b = vec![0u8; 200];", 200),
            line(13, "let c = vec![0u8; 300];", 300),
            line(14, "}", 0),
        ],
    )]);
    // `a` moved below `c`, `b` removed, `d` added; a comment line added above `c`.
    let new = Snapshot::new(vec![function(
        "work",
        10,
        vec![
            line(12, "let d = vec![0u8; 400];", 400),
            line(14, "let c = vec![0u8; 300]; // the third", 300),
            line(15, "let a = vec![0u8; 100];", 100),
            line(16, "}", 0),
        ],
    )]);
    let comparison = old.compare(&new, &Tolerances::default());
    let lines: Vec<(Change, &str, Option<u32>, Option<u32>)> = comparison.functions()[0]
        .lines
        .iter()
        .map(|l| {
            (
                l.change,
                l.text.as_str(),
                l.old.map(|o| o.0),
                l.new.map(|n| n.0),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (Change::Removed, "let b = vec![0u8; 200];", Some(12), None),
            (Change::Added, "let d = vec![0u8; 400];", None, Some(12)),
            (
                Change::Same,
                "let c = vec![0u8; 300]; // the third",
                Some(13),
                Some(14)
            ),
            (Change::Moved, "let a = vec![0u8; 100];", Some(11), Some(15)),
            (Change::Same, "}", Some(14), Some(16)),
        ]
    );
    // 600 bytes then 800: a regression of the function, with the lines that explain it.
    assert_eq!(comparison.regressions().len(), 2);
    let text = comparison.to_string();
    assert!(text.starts_with("`work` (tests/t.rs:10): bytes allocated 600 B → 800 B (+200 B), allocations 3, peak 300 B → 400 B (+100 B), 1 call\n"), "{text}");
    assert!(text.contains("(moved from line 11)"), "{text}");
}

#[test]
fn equal_statements_match_the_nearest() {
    let old = Snapshot::new(vec![function(
        "work",
        0,
        vec![
            line(1, "x.push(1);", 4),
            line(5, "y();", 0),
            line(9, "x.push(1);", 8),
        ],
    )]);
    // `y()` moved above both pushes: the pushes stay in place, in order.
    let new = Snapshot::new(vec![function(
        "work",
        0,
        vec![
            line(1, "y();", 0),
            line(2, "x.push(1);", 4),
            line(9, "x.push(1);", 8),
        ],
    )]);
    let comparison = old.compare(&new, &Tolerances::default());
    let lines: Vec<(Change, Option<u32>, Option<u32>)> = comparison.functions()[0]
        .lines
        .iter()
        .map(|l| (l.change, l.old.map(|o| o.0), l.new.map(|n| n.0)))
        .collect();
    assert_eq!(
        lines,
        [
            (Change::Moved, Some(5), Some(1)),
            (Change::Same, Some(1), Some(2)),
            (Change::Same, Some(9), Some(9)),
        ]
    );
    assert!(!comparison.regressed());
}

#[test]
fn tolerances_gate_functions() {
    let old = sample();
    let mut grown = sample();
    // `helper` allocates 10 more bytes on its line (and `work`, which calls it, too).
    for f in &mut grown.functions {
        f.figures.bytes += 10;
    }
    let zero = Tolerances::default();
    let regressions: Vec<(String, Figure, i128, i128, i128)> = old
        .compare(&grown, &zero)
        .regressions()
        .iter()
        .map(|r| (r.function.clone(), r.figure, r.old, r.new, r.most))
        .collect();
    assert_eq!(
        regressions,
        [
            ("helper".to_owned(), Figure::Bytes, 10, 20, 10),
            ("work".to_owned(), Figure::Bytes, 8010, 8020, 8010),
        ]
    );
    // +1% of 8,010 is 80 bytes: `work` is within it; `helper` (0 of 10) is not.
    let one_percent = Tolerances::new(
        Tolerance::Percent(1.0),
        Tolerance::Amount(0),
        Tolerance::Amount(0),
    );
    let comparison = old.compare(&grown, &one_percent);
    assert_eq!(comparison.regressions().len(), 1);
    assert_eq!(
        comparison.regressions()[0].to_string(),
        "`helper`: bytes allocated 10 B → 20 B (+10 B, +100.0%), above its tolerance of +1% (at most 10 B)"
    );
    // The functions that regressed come first.
    assert_eq!(comparison.functions()[0].name, "helper");
    // Shrinking is no regression.
    assert!(!grown.compare(&old, &zero).regressed());
    let ten = Tolerances::new(
        Tolerance::Amount(10),
        Tolerance::Amount(0),
        Tolerance::Amount(0),
    );
    assert!(!old.compare(&grown, &ten).regressed());
}

#[test]
fn new_and_gone_functions_are_not_gated() {
    let old = sample();
    let mut new = sample();
    new.functions.retain(|f| f.name == "work");
    new.functions.push(function(
        "other",
        30,
        vec![line(31, "let z = vec![1u8; 5];", 5)],
    ));
    let comparison = old.compare(&new, &Tolerances::default());
    assert!(!comparison.regressed());
    let text = comparison.to_string();
    assert!(
        text.contains(
            "`other` (tests/t.rs:30): new, bytes allocated 5 B, allocations 1, peak 5 B, 1 call\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("`helper` (tests/t.rs:2): gone (not called), was bytes allocated 10 B"),
        "{text}"
    );
    assert!(
        text.contains("`work` (tests/t.rs:10): unchanged, bytes allocated 8,010 B"),
        "{text}"
    );
}
