//! Golden test of `examples/file_mean.rs` (the seed's "use files", as the Axelrod library did):
//! the reports for N = 5 character for character, every figure worked out by hand, and the
//! N = 7 check that writing and reading 10^7 numbers never holds more than the 8 KiB buffers.
//!
//! Figures are in MiB of 1,048,576 bytes, printed with 4 decimals (`precision = 4`).
//!
//! A test binary of its own, not a module of `integration/`: it includes the example, whose
//! `#[global_allocator]` is then the binary's (a binary has one).

#[path = "../../examples/file_mean.rs"]
#[allow(dead_code)]
mod example;

use std::path::PathBuf;

use memory_profiler_suite::{figures, on_fresh_thread, only};

use memory_profiler::{capture, measure};

/// The numbers' file of one test, removed when the test ends (also when it fails).
struct NumbersFile(PathBuf);

impl NumbersFile {
    fn new(tag: &str) -> Self {
        NumbersFile(example::numbers_path(tag))
    }
}

impl Drop for NumbersFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `std::io::BufWriter`'s and `BufReader`'s buffer: 8 KiB.
const BUF: i64 = 8192;

#[test]
fn write_then_read_n5() {
    let file = NumbersFile::new("golden_n5");
    let path = file.0.as_path();

    let (written, reports) = on_fresh_thread(|| capture(|| example::write_numbers(5, path)));
    written.unwrap();
    // "0\n" to "9\n" (10 numbers of 2 bytes), "10\n" to "99\n" (90 of 3), …, "10000\n" to
    // "99999\n" (90,000 of 6).
    let bytes = 10 * 2 + 90 * 3 + 900 * 4 + 9_000 * 5 + 90_000 * 6;
    assert_eq!(bytes, 588_890);
    assert_eq!(std::fs::metadata(path).unwrap().len(), bytes);
    let report = only(&reports, "write_numbers");
    assert_eq!(report.file(), "suite/tests/../../examples/file_mean.rs");

    // `BufWriter::new` allocates its 8,192-byte buffer (0.0078125 MiB → 0.0078), the only
    // allocation: `File::create` turns a short path into a C string on the stack, and
    // `writeln!` formats straight into the buffer. The closing brace drops the writer and its
    // buffer. The `for` header runs 100,000 + 1 times, the `writeln!` and the loop body's
    // closing brace (where each iteration's `i` goes) 100,000.
    let expected = concat!(
        "Filename: suite/tests/../../examples/file_mean.rs\n",
        "\n",
        "Line #    Mem usage    Increment  Occurrences   Line Contents\n",
        "=============================================================\n",
        "    15   0.0000 MiB   0.0000 MiB           1   #[profile(precision = 4)]\n",
        "    16                                         pub fn write_numbers(n: u32, path: &Path) -> io::Result<()> {\n",
        "    17   0.0078 MiB   0.0078 MiB           1       let mut out = BufWriter::new(File::create(path)?);\n",
        "    18   0.0078 MiB   0.0000 MiB      100001       for i in 0..10u64.pow(n) {\n",
        "    19   0.0078 MiB   0.0000 MiB      100000           writeln!(out, \"{i}\")?;\n",
        "    20   0.0078 MiB   0.0000 MiB      100000       }\n",
        "    21   0.0078 MiB   0.0000 MiB           1       out.flush()\n",
        "    22   0.0000 MiB  -0.0078 MiB           1   }\n",
        "\n",
        "\n",
    );
    assert_eq!(report.to_string(), expected);

    #[rustfmt::skip]
    assert_eq!(figures(&report), [
        // line, mem usage, increment, peak, allocations, occurrences
        (15, 0, 0, 0, 0, 1),
        (16, 0, 0, 0, 0, 0),
        (17, BUF, BUF, BUF, 1, 1),
        (18, BUF, 0, 0, 0, 100_001),
        (19, BUF, 0, 0, 0, 100_000),
        (20, BUF, 0, 0, 0, 100_000),
        (21, BUF, 0, 0, 0, 1),
        (22, 0, -BUF, 0, 0, 1),
    ]);

    let (mean, reports) = on_fresh_thread(|| capture(|| example::file_mean(path)));
    assert_eq!(mean.unwrap(), 49_999.5);
    let report = only(&reports, "file_mean");

    // `BufReader::new` allocates its 8,192-byte buffer. The first `read_line` appends "0\n"
    // to the empty `String`, which reserves max(8, 2) = 8 bytes (std's smallest non-zero
    // capacity for bytes); `clear()` keeps that capacity and no line is longer ("99999\n" is
    // 6 bytes, even one split across two buffer fills), so that is the loop's only
    // allocation: the `while` line's Increment is 8 bytes (0.0000076 MiB → 0.0000) and its
    // Mem usage 8,200 bytes (0.0078 MiB). The `while` condition runs 100,000 + 1 times (the
    // last read returns 0 bytes); the closing brace frees both buffers, 8,200 bytes.
    let expected = concat!(
        "Filename: suite/tests/../../examples/file_mean.rs\n",
        "\n",
        "Line #    Mem usage    Increment  Occurrences   Line Contents\n",
        "=============================================================\n",
        "    24   0.0000 MiB   0.0000 MiB           1   #[profile(precision = 4)]\n",
        "    25                                         pub fn file_mean(path: &Path) -> io::Result<f64> {\n",
        "    26   0.0078 MiB   0.0078 MiB           1       let mut numbers = BufReader::new(File::open(path)?);\n",
        "    27   0.0078 MiB   0.0000 MiB           1       let mut line = String::new();\n",
        "    28   0.0078 MiB   0.0000 MiB           1       let mut total = 0;\n",
        "    29   0.0078 MiB   0.0000 MiB           1       let mut count = 0;\n",
        "    30   0.0078 MiB   0.0000 MiB      100001       while numbers.read_line(&mut line)? > 0 {\n",
        "    31   0.0078 MiB   0.0000 MiB      100000           total += line.trim_end().parse::<u64>().map_err(io::Error::other)?;\n",
        "    32   0.0078 MiB   0.0000 MiB      100000           count += 1;\n",
        "    33   0.0078 MiB   0.0000 MiB      100000           line.clear();\n",
        "    34                                             }\n",
        "    35   0.0078 MiB   0.0000 MiB           1       Ok(total as f64 / count as f64)\n",
        "    36   0.0000 MiB  -0.0078 MiB           1   }\n",
        "\n",
        "\n",
    );
    assert_eq!(report.to_string(), expected);

    #[rustfmt::skip]
    assert_eq!(figures(&report), [
        (24, 0, 0, 0, 0, 1),
        (25, 0, 0, 0, 0, 0),
        (26, BUF, BUF, BUF, 1, 1),
        (27, BUF, 0, 0, 0, 1),
        (28, BUF, 0, 0, 0, 1),
        (29, BUF, 0, 0, 0, 1),
        (30, BUF + 8, 8, 8, 1, 100_001),
        (31, BUF + 8, 0, 0, 0, 100_000),
        (32, BUF + 8, 0, 0, 0, 100_000),
        (33, BUF + 8, 0, 0, 0, 100_000),
        (34, 0, 0, 0, 0, 0),
        (35, BUF + 8, 0, 0, 0, 1),
        (36, 0, -(BUF + 8), 0, 0, 1),
    ]);
}

/// For 10^7 numbers (78,888,890 bytes of file: 588,890 as above, plus 900,000 × 7 and
/// 9,000,000 × 8), the writer still holds only its buffer, and
/// the reader its buffer and an 8-byte line ("9999999\n" just fits): well below 64 KiB, the
/// regression limit of the streaming versions.
#[test]
#[memory_profiler::limit(peak = "64 KiB", leaks = "0 B")]
fn n7_streams_through_8_kib() {
    let file = NumbersFile::new("n7");
    let path = file.0.as_path();

    let ((written, reports), usage) =
        on_fresh_thread(|| measure(|| capture(|| example::write_numbers(7, path))));
    written.unwrap();
    assert_eq!(std::fs::metadata(path).unwrap().len(), 78_888_890);
    let report = only(&reports, "write_numbers");
    assert!(report.rows().iter().all(|r| r.peak <= BUF));
    assert!(usage.peak < 64 * 1024);
    assert_eq!((usage.peak, usage.allocations, usage.net), (BUF, 1, 0));

    let ((mean, reports), usage) =
        on_fresh_thread(|| measure(|| capture(|| example::file_mean(path))));
    assert_eq!(mean.unwrap(), 4_999_999.5);
    let report = only(&reports, "file_mean");
    assert_eq!(
        report.line_containing("while").unwrap().occurrences,
        10_000_001
    );
    assert!(report.rows().iter().all(|r| r.peak <= BUF));
    assert!(usage.peak < 64 * 1024);
    assert_eq!((usage.peak, usage.allocations, usage.net), (BUF + 8, 2, 0));
}
