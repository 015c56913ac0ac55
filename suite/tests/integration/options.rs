//! The attribute's options, checked on the exact text of the report.
//!
//! Each call runs on a fresh thread whose heap is brought to exactly zero first, so every
//! figure, Mem usage included, is exact (line numbers are this file's).

use memory_profiler::{capture, profile};
use memory_profiler_suite::on_fresh_thread;

/// Runs `f` on a new thread whose heap is exactly zero at entry (see
/// `memory_profiler_suite::on_fresh_thread`), and returns the text of the one report it produced.
fn report_of<T: Send>(f: impl FnOnce() -> T + Send) -> String {
    on_fresh_thread(|| {
        let (_, reports) = capture(f);
        assert_eq!(reports.len(), 1, "one profiled function ran");
        reports.to_string()
    })
}

#[profile(unit = "B", peak, allocs)]
fn temporaries() -> usize {
    let kept = vec![1u8; 1000];
    let n = vec![2u8; 4000].len();
    kept.len() + n
}

#[test]
fn bytes_with_peak_and_allocs() {
    // The second line allocates 4,000 bytes and frees them before it ends: Increment 0, but
    // Peak 4,000 and one allocation.
    let expected = [
        "Filename: suite/tests/integration/options.rs",
        "",
        "Line #    Mem usage    Increment         Peak  Occurrences      Allocs    Reallocs   Line Contents",
        "==================================================================================================",
        "    19          0 B          0 B                        1                           #[profile(unit = \"B\", peak, allocs)]",
        "    20                                                                              fn temporaries() -> usize {",
        "    21      1,000 B      1,000 B      1,000 B           1           1           0       let kept = vec![1u8; 1000];",
        "    22      1,000 B          0 B      4,000 B           1           1           0       let n = vec![2u8; 4000].len();",
        "    23      1,000 B          0 B          0 B           1           0           0       kept.len() + n",
        "    24          0 B     -1,000 B          0 B           1           0           0   }",
        "",
        "",
        "",
    ]
    .join("\n");
    assert_eq!(report_of(temporaries), expected);
}

#[profile(precision = 3, unit = "KiB")]
fn kib() {
    let v: Vec<u8> = Vec::with_capacity(1536);
    drop(v);
}

#[test]
fn kibibytes_with_precision_3() {
    let expected = [
        "Filename: suite/tests/integration/options.rs",
        "",
        "Line #    Mem usage    Increment  Occurrences   Line Contents",
        "=============================================================",
        "    49    0.000 KiB    0.000 KiB           1   #[profile(precision = 3, unit = \"KiB\")]",
        "    50                                         fn kib() {",
        "    51    1.500 KiB    1.500 KiB           1       let v: Vec<u8> = Vec::with_capacity(1536);",
        "    52    0.000 KiB   -1.500 KiB           1       drop(v);",
        "    53    0.000 KiB    0.000 KiB           1   }",
        "",
        "",
        "",
    ]
    .join("\n");
    assert_eq!(report_of(kib), expected);
}

#[profile(precision = 0, unit = "GiB")]
fn gib() -> usize {
    let v: Vec<u8> = Vec::with_capacity(1 << 30);
    v.capacity()
}

#[test]
fn gibibytes_with_precision_0() {
    // Reserving 1 GiB does not touch its pages: cheap, and exactly one GiB counted.
    let expected = [
        "Filename: suite/tests/integration/options.rs",
        "",
        "Line #    Mem usage    Increment  Occurrences   Line Contents",
        "=============================================================",
        "    75        0 GiB        0 GiB           1   #[profile(precision = 0, unit = \"GiB\")]",
        "    76                                         fn gib() -> usize {",
        "    77        1 GiB        1 GiB           1       let v: Vec<u8> = Vec::with_capacity(1 << 30);",
        "    78        1 GiB        0 GiB           1       v.capacity()",
        "    79        0 GiB       -1 GiB           1   }",
        "",
        "",
        "",
    ]
    .join("\n");
    assert_eq!(report_of(gib), expected);
}

#[rustfmt::skip]
#[profile(unit = "B")] fn one_line() -> usize { let v: Vec<u8> = Vec::with_capacity(10); v.capacity() }

#[test]
fn a_one_line_function_counts_each_call_once() {
    // Attribute, body and closing brace share one row: one occurrence per call, and the
    // vector's 10 bytes come and go within it.
    let expected = [
        "Filename: suite/tests/integration/options.rs",
        "",
        "Line #    Mem usage    Increment  Occurrences   Line Contents",
        "=============================================================",
        "   103          0 B          0 B           1   #[profile(unit = \"B\")] fn one_line() -> usize { let v: Vec<u8> = Vec::with_capacity(10); v.capacity() }",
        "",
        "",
        "",
    ]
    .join("\n");
    assert_eq!(report_of(one_line), expected);
}

#[profile(unit = "B", peak)]
fn gigabyte() -> usize {
    let big: Vec<u8> = Vec::with_capacity(1 << 30);
    let small = vec![0u8; 1000];
    big.capacity() + small.len()
}

#[test]
fn bytes_are_grouped_and_wide_figures_widen_their_columns() {
    // Bytes are grouped by threes, as in the limit messages; the widest figure,
    // -1,073,742,824 B (16 characters), widens the three figure columns from 12 to 16.
    let expected = [
        "Filename: suite/tests/integration/options.rs",
        "",
        "Line #        Mem usage        Increment             Peak  Occurrences   Line Contents",
        "======================================================================================",
        "   123              0 B              0 B                            1   #[profile(unit = \"B\", peak)]",
        "   124                                                                  fn gigabyte() -> usize {",
        "   125  1,073,741,824 B  1,073,741,824 B  1,073,741,824 B           1       let big: Vec<u8> = Vec::with_capacity(1 << 30);",
        "   126  1,073,742,824 B          1,000 B          1,000 B           1       let small = vec![0u8; 1000];",
        "   127  1,073,742,824 B              0 B              0 B           1       big.capacity() + small.len()",
        "   128              0 B -1,073,742,824 B              0 B           1   }",
        "",
        "",
        "",
    ]
    .join("\n");
    assert_eq!(report_of(gigabyte), expected);
}

#[profile(unit = "B", allocs)]
fn grown() -> usize {
    let mut s = String::new();
    for _ in 0..100 {
        s.push('x');
    }
    s.len()
}

#[test]
fn allocs_shows_reallocations() {
    // The first push allocates 8 bytes; the string then doubles in place or not: 16, 32, 64,
    // 128: four reallocations, one allocation, 8 + 16 + 32 + 64 + 128 bytes allocated.
    let text = report_of(grown);
    let push = text.lines().find(|l| l.contains("s.push('x');")).unwrap();
    let figures: Vec<&str> = push.split_whitespace().take(9).collect();
    assert_eq!(
        figures,
        [
            "157",
            "128",
            "B",
            "128",
            "B",
            "100",
            "1",
            "4",
            "s.push('x');"
        ],
        "{text}"
    );
    let (_, reports) = capture(grown);
    let row = reports
        .function("grown")
        .unwrap()
        .line_containing("push")
        .unwrap()
        .clone();
    assert_eq!(
        (row.allocations, row.reallocations, row.bytes_allocated),
        (1, 4, 8 + 16 + 32 + 64 + 128)
    );
}

/// Each level holds 1,000 bytes while the next one runs.
#[profile(unit = "B")]
fn nested(depth: u32) -> usize {
    let held = vec![0u8; 1000];
    let below = if depth > 0 { nested(depth - 1) } else { 0 };
    held.len() + below
}

#[test]
fn a_recursive_functions_attribute_row_is_the_outermost_calls_entry() {
    // The nested calls begin with 1,000, 2,000 and 3,000 bytes held by the outer ones: the
    // attribute row shows the heap at the outermost call's entry, 0.
    let text = report_of(|| nested(3));
    let first = text.lines().nth(4).unwrap();
    assert!(first.starts_with("   "), "{text}");
    let figures: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(&figures[..6], ["198", "0", "B", "0", "B", "4"], "{text}");
}
