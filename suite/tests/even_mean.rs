//! Golden test of `examples/even_mean.rs` (the seed's "stepping through generators"): the
//! reports for N = 5 character for character, every figure worked out by hand, and the N = 7
//! contrast (64 MiB for the collected `Vec`, nothing for the `for` loop).
//!
//! Figures are in MiB of 1,048,576 bytes, printed with 4 decimals (`precision = 4`).
//!
//! A test binary of its own, not a module of `integration/`: it includes the example, whose
//! `#[global_allocator]` is then the binary's (a binary has one).

#[path = "../../examples/even_mean.rs"]
#[allow(dead_code)]
mod example;

use memory_profiler_suite::{figures, on_fresh_thread, only};

use memory_profiler::{capture, measure};

/// `file!()` of a module included with `#[path]` from `tests/`: the path as rustc resolved it.
const FILE: &str = "suite/tests/../../examples/even_mean.rs";

#[test]
fn even_mean_n5() {
    let (mean, reports) = on_fresh_thread(|| capture(|| example::even_mean(5)));
    assert_eq!(mean, 49_999.0);
    let report = only(&reports, "even_mean");
    assert_eq!(report.file(), FILE);

    // `filter()` cannot tell how many items it will yield (size hint: 0 to 100,000), so
    // `collect()` starts the `Vec` at max(4, 0 + 1) = 4 elements (std's smallest non-zero
    // capacity for 8-byte elements) and doubles it whenever it is full: 4, 8, …, 32,768, then
    // 65,536 ≥ 50,000 even numbers. One allocation and 14 reallocations; the buffer ends at
    // 65,536 × 8 = 524,288 bytes = 0.5 MiB exactly (not 50,000 × 8 = 400,000: 124,288 bytes
    // of spare capacity). A reallocation is counted as the old size freed and the new size
    // allocated; one that moves the block also held the old one while it copied, so the line's
    // peak is the final 524,288 bytes, plus the 262,144 of the last doubling if that one moved
    // (see `doubling_peak`).
    let expected = concat!(
        "Filename: suite/tests/../../examples/even_mean.rs\n",
        "\n",
        "Line #    Mem usage    Increment  Occurrences   Line Contents\n",
        "=============================================================\n",
        "    10   0.0000 MiB   0.0000 MiB           1   #[profile(precision = 4)]\n",
        "    11                                         pub fn even_mean(n: u32) -> f64 {\n",
        "    12   0.5000 MiB   0.5000 MiB           1       let nbrs: Vec<u64> = (0..10u64.pow(n)).filter(|n| n % 2 == 0).collect();\n",
        "    13   0.5000 MiB   0.0000 MiB           1       let total: u64 = nbrs.iter().sum();\n",
        "    14   0.5000 MiB   0.0000 MiB           1       total as f64 / nbrs.len() as f64\n",
        "    15   0.0000 MiB  -0.5000 MiB           1   }\n",
        "\n",
        "\n",
    );
    assert_eq!(report.to_string(), expected);

    let peak = doubling_peak(report.line(12).unwrap().peak, 524_288);
    #[rustfmt::skip]
    assert_eq!(figures(&report), [
        // line, mem usage, increment, peak, allocations, occurrences
        (10, 0, 0, 0, 0, 1),
        (11, 0, 0, 0, 0, 0),
        (12, 524_288, 524_288, peak, 1, 1),
        (13, 524_288, 0, 0, 0, 1),
        (14, 524_288, 0, 0, 0, 1),
        (15, 0, -524_288, 0, 0, 1),
    ]);

    // The reallocations, seen from outside (`capture` keeps the report off stdout).
    let (_, usage) = on_fresh_thread(|| measure(|| capture(|| example::even_mean(5))));
    assert_eq!((usage.allocations, usage.reallocations), (1, 14));
    assert_eq!(usage.net, 0);
    doubling_peak(usage.peak, 524_288);
}

/// The peak of a buffer grown by doubling to `last` bytes, returned when it is one of the two
/// values it can be: `last`, when the last doubling grew the block in place, or `last` plus the
/// old half, when it moved the block (both were live while it copied). Which one `System`
/// does depends on what else the process allocated, and the example installs `System`
/// (tests/realloc_peak.rs checks both cases with an allocator that decides).
fn doubling_peak(peak: i64, last: i64) -> i64 {
    assert!(
        peak == last || peak == last + last / 2,
        "a buffer doubled to {last} bytes peaked at {peak}"
    );
    peak
}

#[test]
fn even_mean_loop_n5() {
    let (mean, reports) = on_fresh_thread(|| capture(|| example::even_mean_loop(5)));
    assert_eq!(mean, 49_999.0);
    let report = only(&reports, "even_mean_loop");

    // Nothing touches the heap. The `for` header runs once per `next()`: 50,000 even numbers
    // plus the final `None`, 50,001; its body lines 50,000 each, and so does the body's closing
    // brace (line 25), where the iteration's locals (`n`) are dropped.
    let expected = concat!(
        "Filename: suite/tests/../../examples/even_mean.rs\n",
        "\n",
        "Line #    Mem usage    Increment  Occurrences   Line Contents\n",
        "=============================================================\n",
        "    17   0.0000 MiB   0.0000 MiB           1   #[profile(precision = 4)]\n",
        "    18                                         pub fn even_mean_loop(n: u32) -> f64 {\n",
        "    19   0.0000 MiB   0.0000 MiB           1       let nbrs = (0..10u64.pow(n)).filter(|n| n % 2 == 0);\n",
        "    20   0.0000 MiB   0.0000 MiB           1       let mut total = 0;\n",
        "    21   0.0000 MiB   0.0000 MiB           1       let mut count = 0;\n",
        "    22   0.0000 MiB   0.0000 MiB       50001       for n in nbrs {\n",
        "    23   0.0000 MiB   0.0000 MiB       50000           total += n;\n",
        "    24   0.0000 MiB   0.0000 MiB       50000           count += 1;\n",
        "    25   0.0000 MiB   0.0000 MiB       50000       }\n",
        "    26   0.0000 MiB   0.0000 MiB           1       total as f64 / count as f64\n",
        "    27   0.0000 MiB   0.0000 MiB           1   }\n",
        "\n",
        "\n",
    );
    assert_eq!(report.to_string(), expected);

    #[rustfmt::skip]
    assert_eq!(figures(&report), [
        (17, 0, 0, 0, 0, 1),
        (18, 0, 0, 0, 0, 0),
        (19, 0, 0, 0, 0, 1),
        (20, 0, 0, 0, 0, 1),
        (21, 0, 0, 0, 0, 1),
        (22, 0, 0, 0, 0, 50_001),
        (23, 0, 0, 0, 0, 50_000),
        (24, 0, 0, 0, 0, 50_000),
        (25, 0, 0, 0, 0, 50_000),
        (26, 0, 0, 0, 0, 1),
        (27, 0, 0, 0, 0, 1),
    ]);
    let header = report.line_containing("for n in nbrs").unwrap();
    assert_eq!(header.occurrences, 50_001);
    assert_eq!(
        report.line_containing("count += 1").unwrap().occurrences,
        50_000
    );
}

/// For 10^7 numbers, 5,000,000 even ones: the collected `Vec` doubles up to 2^23 = 8,388,608
/// elements, 67,108,864 bytes = 64 MiB exactly; stepping through the filter costs nothing.
#[test]
fn n7_vec_holds_64_mib_for_loop_nothing() {
    let ((mean, reports), usage) =
        on_fresh_thread(|| measure(|| capture(|| example::even_mean(7))));
    assert_eq!(mean, 4_999_999.0);
    let report = only(&reports, "even_mean");
    let collect = report.line_containing("collect()").unwrap();
    assert_eq!(
        (
            collect.mem_usage,
            collect.increment,
            collect.peak,
            collect.allocations
        ),
        (
            67_108_864,
            67_108_864,
            doubling_peak(collect.peak, 67_108_864),
            1
        )
    );
    assert!(report
        .to_string()
        .contains("    12  64.0000 MiB  64.0000 MiB           1   "));
    // 4 = 2^2 doubled up to 2^23: 21 reallocations.
    assert_eq!(
        (usage.peak, usage.allocations, usage.reallocations),
        (doubling_peak(usage.peak, 67_108_864), 1, 21)
    );

    let ((mean, reports), usage) =
        on_fresh_thread(|| measure(|| capture(|| example::even_mean_loop(7))));
    assert_eq!(mean, 4_999_999.0);
    let report = only(&reports, "even_mean_loop");
    assert_eq!(
        report.line_containing("for n in nbrs").unwrap().occurrences,
        5_000_001
    );
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
fn loop_mean_stays_below_64_kib_for_n7() {
    let mean = example::even_mean_loop(7);
    assert_eq!(mean, 4_999_999.0);
}
