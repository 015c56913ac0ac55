//! Golden test of `examples/basic_mean.rs` (the seed's first two reports): the reports for
//! N = 5 character for character, every figure worked out by hand, and the N = 7 contrast of
//! the issue (76.3 MiB for the `Vec`, nothing for the range).
//!
//! Figures are in MiB of 1,048,576 bytes, printed with 4 decimals (`precision = 4`).
//!
//! A test binary of its own, not a module of `integration/`: it includes the example, whose
//! `#[global_allocator]` is then the binary's (a binary has one).

#[path = "../../examples/basic_mean.rs"]
#[allow(dead_code)]
mod example;

use memory_profiler_suite::{figures, on_fresh_thread, only};

use memory_profiler::{capture, measure, Report};

/// `file!()` of a module included with `#[path]` from `tests/`: the path as rustc resolved it.
const FILE: &str = "suite/tests/../../examples/basic_mean.rs";

#[test]
fn basic_mean_n5() {
    let (mean, reports) = on_fresh_thread(|| capture(|| example::basic_mean(5)));
    assert_eq!(mean, 49_999.5);
    let report = only(&reports, "basic_mean");
    assert_eq!(report.file(), FILE);

    // `(0..100_000u64).collect()`: a `Range<u64>` knows its exact length (`TrustedLen`), so the
    // `Vec` is allocated once at its final size: 100,000 × 8 bytes = 800,000 bytes
    // = 0.762939… MiB → 0.7629. It lives until the closing brace, which frees it.
    // The attribute's row shows the heap at entry (0) in both columns; the signature never
    // runs, so its row has the number and blank figure columns (41 spaces).
    let expected = concat!(
        "Filename: suite/tests/../../examples/basic_mean.rs\n",
        "\n",
        "Line #    Mem usage    Increment  Occurrences   Line Contents\n",
        "=============================================================\n",
        "     9   0.0000 MiB   0.0000 MiB           1   #[profile(precision = 4)]\n",
        "    10                                         pub fn basic_mean(n: u32) -> f64 {\n",
        "    11   0.7629 MiB   0.7629 MiB           1       let nbrs: Vec<u64> = (0..10u64.pow(n)).collect();\n",
        "    12   0.7629 MiB   0.0000 MiB           1       let total: u64 = nbrs.iter().sum();\n",
        "    13   0.7629 MiB   0.0000 MiB           1       total as f64 / nbrs.len() as f64\n",
        "    14   0.0000 MiB  -0.7629 MiB           1   }\n",
        "\n",
        "\n",
    );
    assert_eq!(report.to_string(), expected);

    #[rustfmt::skip]
    assert_eq!(figures(&report), [
        // line, mem usage, increment, peak, allocations, occurrences
        (9, 0, 0, 0, 0, 1),
        (10, 0, 0, 0, 0, 0),
        (11, 800_000, 800_000, 800_000, 1, 1),
        (12, 800_000, 0, 0, 0, 1),
        (13, 800_000, 0, 0, 0, 1),
        (14, 0, -800_000, 0, 0, 1),
    ]);
    let collect = report.line_containing("collect()").unwrap();
    assert_eq!((collect.increment, collect.allocations), (800_000, 1));
    assert_eq!(report.line(14).unwrap().increment, -800_000);
}

#[test]
fn basic_mean_with_range_n5() {
    let (mean, reports) = on_fresh_thread(|| capture(|| example::basic_mean_with_range(5)));
    assert_eq!(mean, 49_999.5);
    let report = only(&reports, "basic_mean_with_range");

    // A range is two integers on the stack: no line touches the heap.
    let expected = concat!(
        "Filename: suite/tests/../../examples/basic_mean.rs\n",
        "\n",
        "Line #    Mem usage    Increment  Occurrences   Line Contents\n",
        "=============================================================\n",
        "    16   0.0000 MiB   0.0000 MiB           1   #[profile(precision = 4)]\n",
        "    17                                         pub fn basic_mean_with_range(n: u32) -> f64 {\n",
        "    18   0.0000 MiB   0.0000 MiB           1       let nbrs = 0..10u64.pow(n);\n",
        "    19   0.0000 MiB   0.0000 MiB           1       let total: u64 = nbrs.clone().sum();\n",
        "    20   0.0000 MiB   0.0000 MiB           1       total as f64 / (nbrs.end - nbrs.start) as f64\n",
        "    21   0.0000 MiB   0.0000 MiB           1   }\n",
        "\n",
        "\n",
    );
    assert_eq!(report.to_string(), expected);

    #[rustfmt::skip]
    assert_eq!(figures(&report), [
        (16, 0, 0, 0, 0, 1),
        (17, 0, 0, 0, 0, 0),
        (18, 0, 0, 0, 0, 1),
        (19, 0, 0, 0, 0, 1),
        (20, 0, 0, 0, 0, 1),
        (21, 0, 0, 0, 0, 1),
    ]);
}

/// Both functions in one `capture`: one report each, in call order, printed back to back.
#[test]
fn both_reports_n5() {
    let ((a, b), reports) =
        on_fresh_thread(|| capture(|| (example::basic_mean(5), example::basic_mean_with_range(5))));
    assert_eq!((a, b), (49_999.5, 49_999.5));
    let names: Vec<_> = reports.iter().map(Report::function).collect();
    assert_eq!(names, ["basic_mean", "basic_mean_with_range"]);
    let text = reports.to_string();
    // Each block ends with two empty lines, which separate it from the next.
    assert!(text.contains("    14   0.0000 MiB  -0.7629 MiB           1   }\n\n\nFilename: "));
    assert!(text.ends_with("    21   0.0000 MiB   0.0000 MiB           1   }\n\n\n"));
    assert_eq!(
        text.matches("Filename: suite/tests/../../examples/basic_mean.rs\n")
            .count(),
        2
    );
}

/// The check: for 10^7 numbers the `Vec` costs 80,000,000 bytes (76.29 MiB), the range
/// nothing at all.
#[test]
fn n7_vec_holds_76_mib_range_nothing() {
    let ((mean, reports), usage) =
        on_fresh_thread(|| measure(|| capture(|| example::basic_mean(7))));
    assert_eq!(mean, 4_999_999.5);
    let report = only(&reports, "basic_mean");
    let collect = report.line_containing("collect()").unwrap();
    // 10,000,000 × 8 bytes = 80,000,000 bytes = 76.293945… MiB, in one allocation.
    assert_eq!(
        (
            collect.mem_usage,
            collect.increment,
            collect.peak,
            collect.allocations
        ),
        (80_000_000, 80_000_000, 80_000_000, 1)
    );
    assert!(report.to_string().contains(
        "    11  76.2939 MiB  76.2939 MiB           1       let nbrs: Vec<u64> = (0..10u64.pow(n)).collect();\n"
    ));
    assert_eq!(
        (usage.peak, usage.net, usage.allocations),
        (80_000_000, 0, 1)
    );

    let ((mean, reports), usage) =
        on_fresh_thread(|| measure(|| capture(|| example::basic_mean_with_range(7))));
    assert_eq!(mean, 4_999_999.5);
    let report = only(&reports, "basic_mean_with_range");
    assert!(report
        .rows()
        .iter()
        .all(|r| r.peak == 0 && r.increment == 0));
    assert!(usage.peak < 64 * 1024);
    assert_eq!((usage.peak, usage.allocations), (0, 0));
}

/// The regression guard of the streaming version: for 10^7 numbers it stays below 64 KiB and
/// leaves nothing behind (a change that collects the numbers fails here, with the line report).
#[test]
#[memory_profiler::limit(peak = "64 KiB", leaks = "0 B")]
fn range_mean_stays_below_64_kib_for_n7() {
    let mean = example::basic_mean_with_range(7);
    assert_eq!(mean, 4_999_999.5);
}
